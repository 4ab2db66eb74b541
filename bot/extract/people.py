"""People named in an article, with their role and organisation when the text gives them.

The shapes news writing uses, read off the tokens around each PERSON entity:
    title before the name      "Chairman Young Liu", "Semiconductor analyst Chen Huiming",
                               "TSMC Chairman C.C. Wei", "Nvidia's CEO Jensen Huang", "former President Trump"
    apposition before the name "ASE's Chief Financial Officer, Dong Hong-Szu,"
                               "The U.S. Secretary of Commerce, Gina Raimondo,"
    apposition after the name  "Lisa Su, chief executive of AMD", "Jensen Huang, Nvidia's CEO"
The organisation is a company named in the phrase ("X's", "of X", "at X", "X Chairman"); a
government title ("Secretary of Commerce") keeps its role and has no company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nameparser.config import CONSTANTS as NAME_CONSTANTS

from bot.extract.companies import NOT_COMPANY_WORDS, is_a_ship, names_an_organisation
from bot.extract.layout import Layout
from bot.extract.place_names import countries_and_states, real_places
from bot.extract.references import Resolver, is_reference

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

ROLE_HEADS = {
    "ceo",
    "cfo",
    "coo",
    "cto",
    "cio",
    "cmo",
    "chairman",
    "chairwoman",
    "chair",
    "chairperson",
    "president",
    "founder",
    "co-founder",
    "cofounder",
    "director",
    "manager",
    "head",
    "analyst",
    "economist",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "minister",
    "secretary",
    "senator",
    "governor",
    "mayor",
    "professor",
    "researcher",
    "executive",
    "officer",
    "partner",
    "strategist",
    "engineer",
    "official",
    "premier",
    "chancellor",
    "commissioner",
    "ambassador",
    "representative",
    "leader",
    "lawmaker",
    "legislator",
    "deputy",
    "treasurer",
    "editor",
    "consultant",
    "adviser",
    "advisor",
    "investor",
    "owner",
    "scientist",
    "dean",
    "judge",
    "attorney",
    "lawyer",
    "speaker",
    "vp",
    "svp",
    "evp",
    "chief",
    "boss",
    "trader",
    "banker",
    "chairs",
    "vice-chairman",
    "vice-president",
    "principal",
    "fellow",
    "commentator",
    "congressman",
    "congresswoman",
    "councilman",
    "councilwoman",
    "assemblyman",
    "assemblywoman",
    "justice",
}
# Titles and honorifics that the NER often takes into a name ("Queen Elizabeth II", "Sultan Qaboos",
# "Detective Inspector Steven Jones"): nameparser's list of them, with the role words above.
TITLES = frozenset(NAME_CONSTANTS.titles) | ROLE_HEADS
# Words that may stand inside a role phrase before its head ("senior vice president").
_LINKS = {"of", "for", "and", "&"}
_STOP_POS = {"VERB", "AUX", "DET", "PRON", "ADP", "PUNCT", "SCONJ", "CCONJ", "NUM", "PART"}


@dataclass
class PersonRecord:
    name: str
    role: str | None
    organization: str | None  # company key
    first: int  # token index of first mention


def find_people(layout: Layout, resolver: Resolver, company_forms: set[str]) -> list[PersonRecord]:
    """People in order of first mention; one record per person ("Trump" joins "Donald Trump")."""
    records: list[PersonRecord] = []
    for entity in _person_names(layout, company_forms, resolver):
        span, title = _without_title(entity, layout)
        while len(span) > 1 and span[-1].tag_.startswith("VB"):
            span = span[:-1]  # "Modi Announced": a headline-case verb the NER ran into the name
        # "Jerry [O'Connell]": an editor's brackets inside a quotation are not part of the name
        name = " ".join(re.sub(r"\s*[’']s$", "", span.text).replace("[", "").replace("]", "").split()).strip(
            ":;,"
        )
        if not name or not any(c.isupper() for c in name) or _is_company(name, company_forms):
            continue
        if is_a_ship([t.lower_ for t in span]):
            continue  # "USS Harwell"
        name = _with_shared_surname(span, name)
        if layout.in_title(span.start) or _is_place(span):
            continue
        role, organization = _role(span, resolver)
        if role is None and title:
            role = _normalize_role(title)
        if role is not None and organization is None and _is_company_role(role):
            # "Chairman Young Liu told analysts ...": the company the article is talking about.
            organization = resolver.resolve_description(span.start)
        record = _same_person(records, name)
        if record is None:
            records.append(PersonRecord(name, role, organization, span.start))
            continue
        if len(name) > len(record.name):
            record.name = name
        if record.role is None and role is not None:
            record.role, record.organization = role, organization
        elif record.organization is None and organization is not None and role == record.role:
            record.organization = organization
    return records


_SPEECH_VERBS = frozenset(
    "say said says tell told add added state stated explain explained write wrote".split()
)


def _person_names(layout: Layout, company_forms: set[str], resolver: Resolver) -> list[Span]:
    """The NER's people, and the names it labelled organisations that are no company and read as a
    person's: "Oleg Titov said", "Dominic Hare, chief executive of the palace", or a surname the NER
    calls a person elsewhere in the article."""
    doc = layout.doc
    surnames = {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON"}
    names = []
    people = {t.i for e in doc.ents if e.label_ == "PERSON" for t in e}
    for entity in doc.ents:
        if (
            entity.label_ == "PERSON"
            or (entity.label_ == "ORG" and _reads_as_a_person(entity, company_forms, surnames, resolver))
            or (
                entity.label_ in ("ORG", "GPE", "LOC")
                and _named_among_people(entity, people)
                and entity.text.casefold() not in company_forms
                and not names_an_organisation(entity.text)
                and entity.text.casefold() not in real_places()
            )
        ):
            names.append(entity)
        elif entity.label_ == "ORG" and (name := _name_at_the_end(entity, layout, company_forms)) is not None:
            names.append(name)
    # names the NER gave no label at all, read the same way ("Congresswoman Val Demings of Florida")
    for run in layout.unlabelled_names:
        start = run.start
        while start < run.end and doc[start].lower_ in TITLES:
            start += 1
        name = doc[start : run.end]
        if (
            all(_is_name_word(t.text) and t.lower_ not in TITLES for t in name)
            and _reads_as_a_person(name, company_forms, surnames, resolver)
            and not _is_region(name[0].text, layout)
        ):
            names.append(name)
    return sorted(names, key=lambda span: span.start)


# Where a capital inside a name's word is a name's own: "McCloskey", "MacLeod", "LaHood", "DeSantis",
# "O'Connell" ("CentOS" is a product's).
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|La|Le|De|Di|Da|Du|O')(?=[A-Z])")


def _is_name_word(word: str) -> bool:
    rest = _NAME_PREFIX.sub("", word)
    return word[:1].isupper() and rest[:1].isupper() and rest[1:].isalpha() and rest[1:].islower()


# Bodies whose members are named right after them: "the House of Representatives Darin LaHood".
_LEGISLATURES = frozenset("house senate congress parliament assembly legislature council".split())


def _name_at_the_end(entity: Span, layout: Layout, company_forms: set[str]) -> Span | None:
    """ "Senator from Vermont Bernie Sanders", "First Minister of Scotland Nicola Sturgeon", "the House
    of Representatives Darin LaHood": an organisation the NER ran on into the name after a place or a
    title; the name is the last two or three words."""
    if entity.text.casefold() in company_forms:
        return None
    for size in (2, 3):
        if len(entity) <= size:
            continue
        tail = entity[len(entity) - size :]
        before = entity[len(entity) - size - 1]
        word = before.lower_
        # "President of Ukraine Volodymyr Zelenskyy": a place after a title; a place alone is no sign
        # ("U.S. Geological Survey", "Wales Tourism Partnership")
        titled_place = (_is_region(before.text, layout) or word in real_places()) and any(
            t.lower_ in ROLE_HEADS for t in entity.doc[max(0, before.i - 3) : before.i]
        )
        joined_after = before.text[:1].isupper() and (
            titled_place
            or word in ROLE_HEADS
            or word.removesuffix("s") in ROLE_HEADS
            or word in _LEGISLATURES
        )
        if (
            joined_after
            and all(_is_name_word(t.text) and t.lower_ not in TITLES for t in tail)
            and not names_an_organisation(tail.text)
            and not _is_region(tail[0].text, layout)
        ):
            return tail
    return None


# Kin a name stands in apposition to: "his wife, Amanda,".
_KIN = frozenset(
    """wife husband widow widower partner son sons daughter daughters child children mother father
    brother brothers sister sisters grandson granddaughter""".split()
)


def _named_among_people(span: Span, people: set[int]) -> bool:
    """A name the NER took for an organisation or a place, listed with people ("children Brodie and
    Nolan", "Nadine, Ashley and Toni") or given as someone's kin ("his wife, Amanda")."""
    if not all(t.tag_ == "NNP" and t.text[:1].isupper() and t.text.isalpha() for t in span):
        return False
    root = span.root
    if root.dep_ == "appos" and root.head.lower_ in _KIN:
        return True
    neighbours = [root.head] if root.dep_ == "conj" else []
    neighbours += [child for child in root.children if child.dep_ == "conj"]
    return any(token.i in people for token in neighbours)


def _with_shared_surname(span: Span, name: str) -> str:
    """ "Mark and Patricia Dunleavy": a lone given name before "and" and a full name shares its surname."""
    doc = span.doc
    if len(span) != 1 or span.end + 2 >= len(doc) or doc[span.end].lower_ != "and":
        return name
    following = doc[span.end + 1]
    if following.ent_iob_ != "B" or following.ent_type_ != "PERSON":
        return name
    end = span.end + 2
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return name if end - (span.end + 1) < 2 else f"{name} {doc[end - 1].text}"


def _reads_as_a_person(span: Span, company_forms: set[str], surnames: set[str], resolver: Resolver) -> bool:
    if not 2 <= len(span) <= 4 or span.text.casefold() in company_forms or names_an_organisation(span.text):
        return False
    if not all(
        t.tag_ == "NNP" and t.text[:1].isupper() and t.text.replace("-", "").replace("'", "").isalpha()
        for t in span
    ):
        return False
    root = span.root
    if (root.dep_ == "nsubj" and root.head.lower_ in _SPEECH_VERBS) or span[-1].lower_ in surnames:
        return True
    return any(reader(span, resolver)[0] for reader in (_title_before, _apposition_before, _apposition_after))


def _without_title(span: Span, layout: Layout) -> tuple[Span, list[Token]]:
    """The name without the titles and places the NER ran into it: "Queen Elizabeth II" ->
    "Elizabeth II" (title "queen"), "Vermont Bernie Sanders" -> "Bernie Sanders". A name of one word
    is left whole ("Pope", "Prince")."""
    start = span.start
    doc = span.doc
    while span.end - start > 1 and (
        doc[start].lower_.rstrip(".") in TITLES
        or (start == span.start and _is_region(doc[start].text, layout))
    ):
        start += 1
    title = [t for t in doc[span.start : start] if t.lower_.rstrip(".") in _ROLE_TITLES]
    return doc[start : span.end], title


def _is_region(word: str, layout: Layout) -> bool:
    return word in layout.places or word in countries_and_states()


def _is_company(name: str, company_forms: set[str]) -> bool:
    folded = name.casefold()
    return folded in company_forms or any(form.startswith(folded + " ") for form in company_forms)


_PLACE_NOUNS = {"site", "cluster", "plant", "fab", "campus", "facility", "factory", "park", "complex", "city"}


def _is_place(span: Span) -> bool:
    """ "a fab in Kumamoto", "the Yongin site": places the NER took for people."""
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    if before in ("in", "near", "at", "outside") or (before == "from" and len(span) == 1):
        return True  # "from Baracoa"; but "a study from Ralph Adolphs"
    root = span.root
    return root.dep_ == "compound" and root.head.lower_ in _PLACE_NOUNS


def _same_person(records: list[PersonRecord], name: str) -> PersonRecord | None:
    words = name.split()
    for record in records:
        other = record.name.split()
        if name == record.name or (words[-1] == other[-1] and (len(words) == 1 or len(other) == 1)):
            return record
    return None


def _role(span: Span, resolver: Resolver) -> tuple[str | None, str | None]:
    doc = span.doc
    for reader in (_title_before, _apposition_before, _apposition_after, _bare_title):
        role_tokens, organization = reader(span, resolver)
        if role_tokens:
            return _normalize_role(role_tokens), organization
    del doc
    return None, None


def _title_before(span: Span, resolver: Resolver) -> tuple[list[Token], str | None]:
    """Role words right before the name, in the same noun phrase."""
    doc = span.doc
    index = span.start - 1
    if index < 0:
        return [], None
    token = doc[index]
    # A role word, or any lowercase common noun right before a name ("weather forecaster Lin").
    if not (_is_role_head(token) or _is_agent_noun(token)):
        return [], None
    tokens, organization = _walk_left(doc, index, resolver, span.sent.start)
    after = span.end
    if organization is None and after + 1 < len(doc) and doc[after].lower_ in ("of", "at"):
        organization = resolver.company_at(after + 1)  # "analyst Sun Wei of Ridgeline Research"
    return tokens, organization


# Forms of address: part of how a name is written, not a role ("Dr. Helen Price, founder of ...").
_HONORIFICS = frozenset("mr mrs ms miss mx dr sir dame madam mme m herr frau prof".split())
_ROLE_TITLES = TITLES - _HONORIFICS


def _bare_title(span: Span, resolver: Resolver) -> tuple[list[Token], str | None]:
    """ "Sultan Qaboos", "Cardinal Marc Ouellet": a title right before the name, when nothing else
    gives a role."""
    index = span.start - 1
    if index < span.sent.start:
        return [], None
    if span.doc[index].lower_.rstrip(".") not in _ROLE_TITLES:
        return [], None
    del resolver
    return [span.doc[index]], None


def _apposition_before(span: Span, resolver: Resolver) -> tuple[list[Token], str | None]:
    """ "<role phrase>, <name>": the phrase ends right before the comma."""
    doc = span.doc
    comma = span.start - 1
    if comma < 1 or doc[comma].text != ",":
        return [], None
    end = comma - 1
    # "Secretary of Commerce": the head may come before an "of ..." tail of capitalised words.
    head = end
    while (
        head > span.sent.start
        and not _is_role_head(doc[head])
        and (doc[head].text[:1].isupper() or doc[head].lower_ in _LINKS)
    ):
        head -= 1
    if not _is_role_head(doc[head]) or (head < end and doc[head + 1].lower_ not in _LINKS):
        return [], None
    tail = [t for t in doc[head + 1 : end + 1] if resolver.company_at(t.i) is None]
    tokens, organization = _walk_left(doc, head, resolver, span.sent.start)
    if organization is None:
        for token in doc[head + 1 : end + 1]:
            if owner := resolver.company_at(token.i):
                organization = owner
                break
    return tokens + tail, organization


def _apposition_after(span: Span, resolver: Resolver) -> tuple[list[Token], str | None]:
    """ "<name>, [the|a] [X's] <role> [of|at X]"."""
    doc = span.doc
    index = span.end
    if index >= len(doc) - 1 or doc[index].text != ",":
        return [], None
    index += 1
    organization = None
    if doc[index].lower_ in ("the", "a", "an"):
        index += 1
    # "Nvidia's CEO": a company and a possessive first.
    start = index
    while index < len(doc) and index < start + 4 and resolver.company_at(doc[index].i):
        organization = organization or resolver.company_at(doc[index].i)
        index += 1
    if organization is not None and index < len(doc) and doc[index].tag_ == "POS":
        index += 1
    role: list[Token] = []
    while index < len(doc) and len(role) < 6:
        token = doc[index]
        joins_roles = (
            token.lower_ == "and" and index + 1 < len(doc) and doc[index + 1].pos_ in ("NOUN", "ADJ", "PROPN")
        )
        if token.pos_ in _STOP_POS and token.lower_ not in ("vice",) and not joins_roles:
            break
        if resolver.company_at(token.i):
            organization = organization or resolver.company_at(token.i)
            index += 1
            continue
        role.append(token)
        index += 1
    if not role or not _is_role_head(role[-1]):
        heads = [i for i, t in enumerate(role) if _is_role_head(t)]
        if not heads:
            return [], None
        role = role[: heads[-1] + 1]
    if index < len(doc) and doc[index].lower_ in ("of", "at", "for", "with") and organization is None:
        for token in doc[index + 1 : index + 6]:
            if owner := resolver.company_at(token.i):
                organization = owner
                break
            if is_reference(token):
                organization = resolver.resolve(token.i)
                break
            if token.text in (",", ".", ";"):
                break
    return role, organization


def _walk_left(doc: Doc, head: int, resolver: Resolver, floor: int) -> tuple[list[Token], str | None]:
    """The role phrase ending at `head`, walking left over its modifiers, and a company that owns it
    ("ASE's", "TSMC Chairman")."""
    start = head
    while start - 1 >= floor:
        token = doc[start - 1]
        if (
            resolver.company_at(token.i)
            or token.tag_ == "POS"
            or token.ent_type_ in ("GPE", "NORP", "PERSON")
        ):
            break
        if token.pos_ in _STOP_POS or (not token.is_alpha and token.text not in ("-",)):
            break
        start -= 1
    tokens = list(doc[start : head + 1])
    organization = None
    before = start - 1
    if before >= floor and doc[before].tag_ == "POS":
        before -= 1
    if before >= floor:
        organization = resolver.company_at(before)
        if organization is None and is_reference(doc[before]):
            organization = resolver.resolve(before)
    return tokens, organization


_COMPANY_ROLES = re.compile(
    r"\b(?:chairman|chairwoman|chairperson|ceo|cfo|coo|cto|cio|chief|founder|co-founder|cofounder|"
    r"spokesperson|spokesman|spokeswoman|vice president|general manager|managing director|treasurer)\b"
)


_OTHER_BODIES = NOT_COMPANY_WORDS | {"military", "presidential"}


def _is_company_role(role: str) -> bool:
    """ "chairman", "company spokesperson"; not "military spokesperson", "party chairman"."""
    return bool(_COMPANY_ROLES.search(role)) and _OTHER_BODIES.isdisjoint(role.split())


_AGENT = re.compile(r"(?:er|or|ist|ian|ant|ent|ee|man|woman)$")


def _is_agent_noun(token: Token) -> bool:
    """A lowercase common noun for a person by what they do: forecaster, runner, herpetologist."""
    return token.tag_ == "NN" and token.text.islower() and token.is_alpha and bool(_AGENT.search(token.text))


def _is_role_head(token: Token) -> bool:
    return token.lower_ in ROLE_HEADS or token.lower_.rstrip("s") in ROLE_HEADS


def _normalize_role(tokens: list[Token]) -> str | None:
    words = [
        t.lower_ for t in tokens if t.ent_type_ not in ("GPE", "NORP") and t.lower_ not in ("the", "a", "an")
    ]
    while words and words[-1] in _LINKS:  # "governor of" when the rest is a place
        words.pop()
    role = " ".join(words).replace(" - ", "-").strip()
    return role or None
