"""Whether an organisation the statistical NER found, and the gazetteer does not know, is a company.

The NER's ORG label covers every kind of organisation, and on general news most of them are not
companies: parties, militant groups, bands, events, agencies, charities, newspapers. So an unknown
organisation is kept only with evidence in the text or in well-kept data:
    listed        its name is a company listed on a major stock index (pytickersymbols' data)
    legal form    "Acme Widgets Inc.", "Pilbara Gallium Ltd" (a legal suffix in or after the name)
    name          the name ends in a word companies name themselves by ("Lion Air", "Massey Energy",
                  "Harbor Lane Securities")
    description   the text calls it a company: "the retailer Tesco", "Viazul, a bus company",
                  "a firm called Acme", "discount stores such as Acme"
    business      the parse puts it in business relations: "Acme's shares", "the chief executive of
                  Acme", "an analyst at Acme", "Acme's revenue", "a ferry operated by Acme", a deal
                  ("X acquired Acme", "sold its stores to Acme"), how it is owned ("state-owned Acme")
A judgement over all of an organisation's mentions: evidence at any one of them counts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


# Nouns that say what kind of business something is ("a bus company", "the retailer", "the airline").
COMPANY_NOUNS = frozenset(
    """company companies firm firms corporation business maker manufacturer chipmaker carmaker automaker
    airline carrier retailer chain supermarket lender insurer brokerage operator developer publisher
    studio startup start-up conglomerate producer supplier distributor provider vendor contractor
    subsidiary foundry utility miner refiner exporter shipbuilder dealer franchise giant multinational
    manufacturers suppliers retailers airlines carriers lenders insurers bank banks chipmakers assembler
    packager""".split()
)
# What a company runs, named by its operator: "a Stagecoach South bus", "a Lion Air jet".
_OPERATED = frozenset(
    """bus buses train trains plane planes jet jets airliner aircraft flight flights ferry truck
    trucks store stores shop shops supermarket supermarkets outlet branch branches warehouse
    dealership restaurant restaurants hotel hotels cafe cafes brewery breweries""".split()
)
# Things bought and sold in a deal, beside companies: "sold its 300 stores to X".
_DEAL_OBJECTS = frozenset("business businesses unit units division divisions operations".split())
# Verbs as written (the pipeline runs no lemmatizer).
_DEAL_VERBS = frozenset(
    """acquire acquires acquired acquiring buy buys bought buying purchase purchases purchased
    purchasing sell sells sold selling""".split()
)
_RUNNING_VERBS = frozenset("operated run owned managed".split())
_NAMING_VERBS = frozenset("called named".split())
# Company nouns that can also say what a person does ("Terry Melcher, a record producer").
_PERSON_NOUNS = frozenset(
    "maker producer developer publisher operator contractor dealer supplier vendor distributor provider miner giant".split()
)
_NOT_PERSON_NOUNS = COMPANY_NOUNS - _PERSON_NOUNS
# Last words of company names in English ("Massey Energy", "Lion Air", "Salling Group").
NAME_HEADS = frozenset(
    """air airlines airways aviation motors motor automotive energy technologies technology tech group
    holdings holding entertainment pharmaceuticals pharma semiconductor semiconductors systems electronics
    electric industries partners capital ventures labs laboratories software networks media communications
    telecom telecommunications foods brands stores petroleum oil mining steel chemicals insurance
    securities investments investment logistics solutions studios pictures records games interactive
    aerospace shipping resorts hotels restaurants construction engineering enterprises trading
    manufacturing robotics biotech therapeutics biosciences healthcare photonics microsystems semicon
    devices instruments materials metals motorcycles cruises comics hotel inn tavern restaurant cafe
    brewery bakery pharmacy""".split()
)
# Nouns of which a company is the possessor or the "of"-object ("Acme's shares", "CEO of Acme").
BUSINESS_NOUNS = frozenset(
    """shares share stock stocks stake shareholders shareholder ceo cfo coo cto executive executives revenue
    revenues profit profits earnings sales subsidiary subsidiaries stores factory factories plant plants
    products customers brand brands acquisition merger takeover ipo valuation bankruptcy
    headquarters""".split()
)
_OWNERS = frozenset("owner owners co-owner".split())
# Jobs whose "at X" or "with X" names the employer ("an analyst at Acme").
_EMPLOYEE_NOUNS = frozenset("analyst analysts economist strategist executive engineer".split())
_TICKER = re.compile(r"\(\s*(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX|TWSE|HKEX|SGX|KRX|TYO|OTC)\s*:")
# Legal forms in company names, as tokens ("Ltd.", "Inc", "GmbH"). Searched for on their own in
# running text (see companies._with_legal_suffix), so only forms no English word shares.
LEGAL_SUFFIX_TOKENS = frozenset(
    "ltd ltd. inc inc. corp corp. llc plc gmbh pvt pte co. limited corporation".split()
)
# Right after a name the NER found, shorter forms are legal forms too ("Acme Co", "Acme AG").
_SUFFIXES = LEGAL_SUFFIX_TOKENS | frozenset("co ag sa s.a. nv n.v. bhd spa".split())
_LISTED_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc|Corp|Corporation|Co|Company|Ltd|Limited|plc|PLC|AG|SA|SE|NV|N\.V|S\.A|ASA|AB|Oyj|Group|"
    r"Holdings|Holding)\.?)+$"
)


@lru_cache(maxsize=1)
def listed_companies() -> frozenset[str]:
    """Casefolded names of the companies on the stock indices pytickersymbols keeps (S&P 500, FTSE 100,
    DAX, CAC 40, Nikkei 225, ...): each as listed, without its legal form or share class, and without a
    last word such as "Group" or "Holdings"."""
    from pytickersymbols.indices_data import INDICES

    names: set[str] = set()
    for index in INDICES.values():
        for company in index["companies"]:
            name = re.sub(r"\s*\([^)]*\)", "", company["name"]).strip()
            for form in (name, _LISTED_SUFFIX.sub("", name).strip(" ,")):
                if len(form) >= 3:
                    names.add(form.casefold())
    return frozenset(names)


def named_like_a_company(name: str) -> bool:
    """Evidence in the name alone: a listed company, or a company's last word ("Mahan Air")."""
    words = name.split()
    return bool(words) and (name.casefold() in listed_companies() or words[-1].casefold() in NAME_HEADS)


def has_company_evidence(span: Span, name: str) -> bool:
    """Whether this mention (its canonical name without legal suffix) shows a company."""
    return named_like_a_company(name) or shown_by_context(span)


def shown_by_context(span: Span, *, strict: bool = False) -> bool:
    """Evidence around the name, not in its own words ("Shares of Velloria", "the Brisco chain",
    "Tarquin, a shipping firm"). `strict` for a name the NER took for a person: only words that
    cannot describe a person count ("a producer", "the owner of" can)."""
    nouns = _NOT_PERSON_NOUNS if strict else COMPANY_NOUNS
    return (
        _has_legal_suffix(span)
        or _described_as_company(span, nouns)
        or _in_business_relation(span, owners=not strict)
        or _owned_as_a_company(span)
        # a person can be bought ("signed"), sell a stake or run a restaurant; an organisation doing so
        # is a company
        or (not strict and (_in_a_deal(span) or _runs_a_business(span)))
    )


def first_conjunct(token: Token) -> Token:
    """ "Deutsche Bahn, Deutsche Telekom, Daimler, and Siemens": each conjunct's relation to the rest
    of the sentence is the first one's."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def _has_legal_suffix(span: Span) -> bool:
    doc = span.doc
    last = doc[span.end - 1].lower_
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.text == "," and span.end + 1 < len(doc):
        after = doc[span.end + 1]
    if last == "company" and doc[span.end - 1].text == "Company":
        return True  # "Ford Motor Company"
    if len(span) > 1 and doc[span.end - 2].text == "-":
        return False  # "CC BY-SA" (a licence): a legal form is a word of its own
    return last in _SUFFIXES or (after is not None and after.lower_ in _SUFFIXES and after.text[:1].isupper())


def _described_as_company(span: Span, nouns: frozenset[str] = COMPANY_NOUNS) -> bool:
    """ "the retailer Tesco", "Viazul, a bus company", "Acme, which makes ...": a company noun in
    apposition to the name, or right before it in the same noun phrase."""
    doc = span.doc
    root = first_conjunct(span.root)
    head = root.head
    if (
        root.dep_ == "pobj"
        and introduces_examples(head)
        and (head.head.lower_ in nouns or head.head.lower_ in _OPERATED)
    ):
        return True  # "German firms including Deutsche Bahn", "discount stores such as Brambles"
    if root.dep_ in ("oprd", "attr", "dobj") and head.lower_ in _NAMING_VERBS and head.head.lower_ in nouns:
        return True  # "a firm called Quorvell"
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in nouns and before.tag_.startswith("NN"):
        return True
    if root.dep_ == "compound" and (root.head.lower_ in nouns or root.head.lower_ in _OPERATED):
        return True  # "its Netto chain", "a Stagecoach South bus", "a Walmart store"
    for token in (*root.children, root.head):
        if token.lower_ in nouns and (token.dep_ == "appos" or root.dep_ == "appos"):
            return True
        if token.dep_ == "appos" and any(t.lower_ in nouns for t in token.subtree):
            return _noun_phrase_head_is_company(token, nouns)
    window = doc[span.end : min(len(doc), span.end + 6)]
    return bool(_TICKER.search(window.text))


def introduces_examples(token: Token) -> bool:
    """ "including", "like", "such as": the word before a list of examples."""
    return token.lower_ in ("including", "like") or (
        token.lower_ == "as" and any(child.lower_ == "such" for child in token.children)
    )


def _noun_phrase_head_is_company(token: Token, nouns: frozenset[str]) -> bool:
    """ "a bus company based in Havana": the apposition's own head noun (not a word in a clause)."""
    return token.lower_ in nouns or any(
        t.lower_ in nouns and t.dep_ in ("compound", "conj") for t in token.children
    )


_EMPLOYEE_WORDS = _EMPLOYEE_NOUNS | BUSINESS_NOUNS


def _works_as_employee(person: Token) -> bool:
    return any(child.lower_ in _EMPLOYEE_WORDS for child in person.children)


def _in_business_relation(span: Span, *, owners: bool = True) -> bool:
    root = first_conjunct(span.root)
    head = root.head
    if root.dep_ == "poss" and head.lower_ in BUSINESS_NOUNS:
        return True  # "Acme's shares", "Acme's chief executive"
    if root.dep_ == "pobj" and head.lower_ in ("of", "at", "with") and head.head is not head:
        governor = head.head
        if head.lower_ == "of" and (
            governor.lower_ in BUSINESS_NOUNS or (owners and governor.lower_ in _OWNERS)
        ):
            return True  # "shares of Acme", "the CEO of Acme", "the owner of Acme"
        if head.lower_ in ("at", "with") and governor.lower_ in _EMPLOYEE_NOUNS:
            return True  # "an analyst at Acme"
        if head.lower_ in ("of", "at") and governor.ent_type_ == "PERSON" and _works_as_employee(governor):
            return True  # "analyst Sun Wei of Ridgeline Research"
    # "Acme's chief executive officer"
    return root.dep_ == "poss" and head.lower_ in ("officer", "chief") and head.head.lower_ in BUSINESS_NOUNS


def _in_a_deal(span: Span) -> bool:
    """ "X acquired Velmont", "Velmont was bought by X", "sold its stores to X": what is bought, and who
    buys or sells a company or a business's parts."""
    root = first_conjunct(span.root)
    head = root.head
    if root.dep_ in ("dobj", "nsubjpass") and head.lower_ in _DEAL_VERBS:
        return True
    verb = head.head if root.dep_ == "pobj" and head.lower_ in ("to", "from", "by") else head
    if verb.lower_ not in _DEAL_VERBS or (root.dep_ != "nsubj" and verb is head):
        return False
    return any(
        child.dep_ in ("dobj", "nsubjpass") and child is not root and any(map(_is_deal_object, child.subtree))
        for child in verb.children
    )


_DEAL_WORDS = _DEAL_OBJECTS | BUSINESS_NOUNS | COMPANY_NOUNS | _OPERATED


def _is_deal_object(token: Token) -> bool:
    return token.ent_type_ == "ORG" or token.lower_ in _DEAL_WORDS


# Not "run": "state-run" is said of agencies and departments as much as of businesses.
_OWNERSHIP = frozenset("owned traded held listed".split())


def _owned_as_a_company(span: Span) -> bool:
    """ "state-owned Saudi Aramco", "family-owned Brenwick", "publicly traded Ostmark": how it is
    owned, said only of a business."""
    return any(
        child.dep_ == "amod"
        and child.lower_ in _OWNERSHIP
        and any(grandchild.dep_ in ("npadvmod", "advmod", "compound") for grandchild in child.children)
        for child in first_conjunct(span.root).children
    )


def _runs_a_business(span: Span) -> bool:
    """ "a ferry operated by Halbrook", "the hotel, owned by X": the operator of what companies run."""
    root = first_conjunct(span.root)
    agent = root.head
    if root.dep_ != "pobj" or agent.dep_ != "agent" or agent.head.lower_ not in _RUNNING_VERBS:
        return False
    thing = agent.head.head
    return thing.lower_ in _OPERATED or thing.lower_ in COMPANY_NOUNS


# What people have on an online service: "a Facebook page", "her Instagram account", "on YouTube".
_PLATFORM_THINGS = frozenset(
    """page pages account accounts post posts video videos channel channels feed profile followers
    live stream livestream story stories group groups fight user users handle""".split()
)


def used_as_a_platform(span: Span) -> bool:
    """ "750,000 followers on Facebook", "a Facebook page", "my Instagram": the company's service
    as a place where something is posted, not the company acting."""
    root = first_conjunct(span.root)
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in ("on", "via", "through"):
        return True
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _PLATFORM_THINGS:
        return True  # "the English page of Instagram"
    if root.dep_ == "compound" and head.lower_ in _PLATFORM_THINGS:
        return True
    # "my Instagram", "her Facebook"; not "its chain HomePlus": what a company owns
    return any(
        child.dep_ == "poss" and child.pos_ == "PRON" and child.lower_ != "its"
        for child in span.root.children
    )
