"""Companies in an article: gazetteer matches plus the statistical NER's organisations, with the junk
kept out (government bodies, laws, publications, headline fragments, people, places), one canonical
name per company, and every surface form merged under it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.extract.company_evidence import (
    COMPANY_NOUNS,
    LEGAL_SUFFIX_TOKENS,
    NAME_HEADS,
    first_conjunct,
    has_company_evidence,
    named_like_a_company,
    shown_by_context,
    used_as_a_platform,
)
from bot.extract.gazetteer import Gazetteer
from bot.extract.layout import Layout
from bot.extract.normalize_money import find_money
from bot.extract.normalize_places import normalize_place
from bot.extract.place_names import real_places

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_COMPANY_NOUNS = frozenset(
    "company firm chipmaker maker manufacturer supplier startup start-up group foundry producer vendor".split()
)

_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|PLC|plc|AG|SA|S\.A|NV|"
    r"N\.V|GmbH|SE|Oy|AB|ASA|K\.K|Pte|Pvt|Private|Bhd|S\.p\.A|SpA)\.?)+$"
)
# Words that make an organisation something other than a company.
NOT_COMPANY_WORDS = frozenset(
    """department ministry ministries commission agency administration bureau council parliament congress
    senate court tribunal government authority committee police army navy forces guard party assembly
    cabinet reserve treasury pentagon kremlin legislature yuan embassy consulate municipality province
    republic kingdom nations university college institute school academy hospital museum foundation
    association society chamber federation club league team office union organisation organization
    secretariat fund commerce board mission programme program initiative scheme facility parks federal
    exchange house white state hill constitution caucus conference legislatures guards force center centre
    centers service services station security island islands mountain mountains river lake beach street
    avenue road square stadium arena bridge reservoir division""".split()
)
_LAW_WORDS = frozenset("act bill law treaty accord agreement directive regulation protocol code".split())
# News outlets and data providers quoted as sources, and trade shows: named like companies, but the
# article is never about them as companies.
PUBLICATIONS = frozenset(
    name.strip().casefold()
    for name in """Reuters, Bloomberg, Bloomberg News, Nikkei, Nikkei Asia, Financial Times, FT, Wall Street Journal,
    The Wall Street Journal, WSJ, CNBC, CNN, BBC, Associated Press, AP, AFP, Xinhua, Focus Taiwan, DigiTimes,
    Taipei Times, South China Morning Post, SCMP, New York Times, The New York Times, Washington Post,
    The Guardian, Guardian, Economist, The Economist, Forbes, Fortune, TechCrunch, The Verge, Wired, Yonhap,
    Kyodo, Central News Agency, CNA, Business Times, Straits Times, The Straits Times, Handelsblatt, Le Monde,
    Les Echos, Wikinews, Wikipedia, The Information, Axios, Politico, Economic Daily News, Commercial Times,
    United Daily News, Liberty Times, Nikkei Shimbun, Korea Herald, The Korea Herald, Korea Times, Caixin,
    Global Times, China Daily, NBC, NBC News, ABC, ABC News, CBS, CBS News, NPR, Fox News, MSNBC,
    Al Jazeera, Sky News, USA Today, Time, CCTV, Agence France-Presse, Deutsche Welle, DW, RTE, RT, TASS,
    PitchBook, Crunchbase, Computex, CES, MWC, SEMICON, SEMICON West, SEMICON Taiwan, Hot Chips,
    GTC, WWDC, Davos""".split(",")
)
_ACRONYM_STOPLIST = frozenset(
    """AI CEO CFO CTO COO GDP EV EVS IPO R&D ESG NT USD HPC IT PC PCS HBM DRAM NAND SRAM GPU GPUS CPU CPUS ASIC
    NASDAQ NYSE TWSE TPEX KOSPI LSE SEC FTC DOJ WTO OECD IMF UN EU UTC GMT ISIS LGBT COVID COVID-19""".split()
)


# "eBay", "eTranslate": a brand's lower-case first letter.
_LOWER_BRAND = re.compile(r"^[a-z][A-Z][a-z]")
# Prefixes of ships' names: "USS Ronald Reagan", "HMS Queen Elizabeth".
SHIP_PREFIXES = frozenset("uss hms hmcs hmas hmnzs rfa rms mv".split())


def is_a_ship(words: list[str]) -> bool:
    """ "USS Ronald Reagan", "HMS Queen Elizabeth" (casefolded words)."""
    return len(words) > 1 and words[0] in SHIP_PREFIXES


_GOVERNMENT_TITLES = frozenset("minister secretary governor mayor senator commissioner ambassador".split())
_LOCATIVE = frozenset("in at near outside from for".split())


@dataclass
class Mention:
    key: str  # the company this mention belongs to (gazetteer id or canonical name)
    surface: str
    start: int  # token offsets in the doc
    end: int
    sentence: int


@dataclass
class CompanyRecord:
    key: str
    name: str
    gazetteer_id: str | None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


def canonical_name(surface: str) -> str:
    """ "Lumora Photonics Inc." -> "Lumora Photonics"; "the Foo Group's" -> "Foo Group"."""
    name = re.sub(r"\s+", " ", surface).strip()
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"[’']s?$", "", name).strip()
    stripped = _LEGAL_SUFFIX.sub("", name).strip(" ,")
    return stripped or name


def _clean_surface(span: Span) -> str:
    text = span.text.strip()
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return re.sub(r"\s*[’']s$", "", text)


def _is_junk(span: Span, surface: str, layout: Layout, not_companies: set[str]) -> bool:
    """Rules that keep non-companies out of the NER's organisations (gazetteer matches skip them)."""
    lowered = surface.casefold()
    words = lowered.replace(".", " ").split()
    if not words or len(surface) > 60 or not re.search(r"[A-Za-z]", surface) or find_money(surface):
        return True
    if lowered in PUBLICATIONS or surface.upper() in _ACRONYM_STOPLIST:
        return True
    # A name the NER also calls a person ("Ford said", "Red Hat") stays a company where the text
    # shows one; so does "Mahan Air" when the NER took "Mahan" for a person.
    shown = named_like_a_company(canonical_name(surface)) or shown_by_context(span)
    if lowered in not_companies and not shown:
        return True
    if any(w in NOT_COMPANY_WORDS for w in words) or words[-1] in _LAW_WORDS:
        return True
    if not surface[0].isupper() and not surface[0].isdigit() and not _LOWER_BRAND.match(surface):
        return True  # "the company", "apple"; not "eBay"
    if is_a_ship(words):
        return True
    if len(words) == 1 and (words[0] in NAME_HEADS or words[0] in COMPANY_NOUNS):
        return True  # "Group", "Holdings": a word of a name, not a name
    if re.fullmatch(r"[A-Z]{2,6}", surface) and not _described_as_company(span):
        return True  # an unknown acronym is far more often an agency or a group than a company
    if re.search(r"\d", surface) and "-" in surface:  # "COVID-19", "SARS-CoV-2"
        return True
    # "Vermont Bernie Sanders": a place and a person run together.
    person_inside = len(words) > 1 and any(w in not_companies for w in words[:-1] + words[1:])
    if person_inside and not shown:
        return True
    # Title-case headline fragments ("Considers U.S. Investment") carry a verb; companies do not.
    if any(t.tag_ in ("VBZ", "VBD", "VBP", "MD") or t.pos_ == "VERB" for t in span if t.text[:1].isupper()):
        return True
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in _GOVERNMENT_TITLES:  # "Federal Resources Minister X"
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in _LOCATIVE and _followed_by_place(span):
        return True  # "a plant in Clay, New York"
    return normalize_place(surface) is not None and _is_known_place(surface, layout)


_ORGANISATION_WORDS = NOT_COMPANY_WORDS | _LAW_WORDS | NAME_HEADS | COMPANY_NOUNS | LEGAL_SUFFIX_TOKENS


def names_an_organisation(surface: str) -> bool:
    """Words that only an organisation's name has ("Council", "Airlines", "Act", "Reuters")."""
    words = set(surface.casefold().replace(".", " ").split())
    return surface.casefold() in PUBLICATIONS or bool(words & _ORGANISATION_WORDS)


def _described_as_company(span: Span) -> bool:
    """ "XYZ Corp.", "XYZ, a chipmaker", "XYZ Inc said"."""
    doc = span.doc
    after = doc[span.end : span.end + 4]
    if after and after[0].lower_ in LEGAL_SUFFIX_TOKENS:
        return True
    return any(t.lower_ in _COMPANY_NOUNS for t in after[1:]) and after[0].text == ","


def _followed_by_place(span: Span) -> bool:
    doc = span.doc
    return (
        span.end + 1 < len(doc)
        and doc[span.end].text == ","
        and doc[span.end + 1].ent_type_ in ("GPE", "LOC")
    )


_WELL_KNOWN_PLACES = frozenset(
    {"United States", "United Kingdom", "China", "Taiwan", "Japan", "South Korea", "European Union"}
)


def _is_known_place(surface: str, layout: Layout) -> bool:
    normalized = normalize_place(surface)
    return normalized in layout.places or normalized in _WELL_KNOWN_PLACES


@lru_cache(maxsize=4096)
def _is_real_place(surface: str) -> bool:
    normalized = normalize_place(surface) or surface
    return normalized in _WELL_KNOWN_PLACES or normalized.casefold() in real_places()


def find_companies(
    layout: Layout, gazetteer: Gazetteer, *, source_name: str | None = None
) -> list[CompanyRecord]:
    """Companies in order of first mention, each with its mentions and surface forms."""
    doc = layout.doc
    people = {e.text.casefold() for e in doc.ents if e.label_ == "PERSON"}
    people |= {e.text.split()[-1].casefold() for e in doc.ents if e.label_ == "PERSON" and e.text.split()}
    not_companies = people | ({source_name.casefold()} if source_name else set())
    records: dict[str, CompanyRecord] = {}
    pending: list[tuple[Span, str]] = []  # NER organisations, judged once all gazetteer hits are known

    for span in doc.ents:
        if span.label_ != "ORG":
            continue
        surface = _clean_surface(span)
        if span.ent_id_ and span.ent_id_ in gazetteer.by_id:
            if _is_common_word_use(span):
                continue
            known = gazetteer.by_id[span.ent_id_]
            _add(records, known.id, known.name, known.id, surface, span, layout)
        else:
            pending.append((span, surface))

    body = {
        canonical_name(surface).casefold() for span, surface in pending if not layout.in_title(span.start)
    }
    for span, surface in pending:
        listed = gazetteer.lookup(surface) or gazetteer.lookup(canonical_name(surface))
        if listed is not None:
            _add(records, listed.id, listed.name, listed.id, surface, span, layout)
            continue
        if _is_junk(span, surface, layout, not_companies):
            continue
        name = canonical_name(surface)
        key = _merge_key(name, records) or name
        if key not in records and layout.in_title(span.start) and name.casefold() not in body:
            continue  # unknown and only in the headline: a title-case fragment, not a company
        _add(records, key, name, None, surface, span, layout)  # an existing record keeps its name

    for key in [k for k, r in records.items() if _only_in_title_as_a_word(r, layout)]:
        del records[key]
    for span in _with_legal_suffix(doc, records):
        _add_unknown(records, span, span.text, layout)
    for span in _named_otherwise(layout, records):
        _add_unknown(records, span, _clean_surface(span), layout)
    for span in _unlabelled_names(layout, records):
        _add_unknown(records, span, span.text, layout)
    _drop_unshown(records, doc)
    for record in records.values():
        record.name = _full_name(record)
    for key in [
        k for k, r in records.items() if all(used_as_a_platform(doc[m.start : m.end]) for m in r.mentions)
    ]:
        del records[key]  # only ever where something was posted: "on Facebook", "a YouTube video"
    _find_more_mentions(layout, records)
    for key in [
        k
        for k, r in records.items()
        if r.gazetteer_id is None and all(_is_located(m, doc) for m in r.mentions)
    ]:
        del records[key]  # only ever "in X": a place the NER took for an organisation
    return sorted(records.values(), key=lambda r: min(m.start for m in r.mentions))


# Nouns after a company name that show it was the ordinary word: "Apple growers", "the Amazon basin".
_NATURE_NOUNS = frozenset(
    """grower growers orchard orchards farmer farmers farm farms tree trees harvest harvests juice pie crop
    crops river basin rainforest forest jungle delta region peel blossom blossoms cider varieties""".split()
)


# Labels the NER gives company names it does not recognise as organisations.
_OTHER_LABELS = frozenset({"PERSON", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "LOC", "NORP"})


def _named_otherwise(layout: Layout, records: dict[str, CompanyRecord]) -> list[Span]:
    """Companies the NER labelled a person, a place or a product, shown to be companies by the
    words around them ("Shares of Velloria", "the Brisco chain")."""
    doc = layout.doc
    taken = {i for r in records.values() for m in r.mentions for i in range(m.start, m.end)}
    found = []
    for span in doc.ents:
        if span.label_ not in _OTHER_LABELS or taken.intersection(range(span.start, span.end)):
            continue
        if span.label_ == "NORP" and len(span) < 2:
            continue  # "Thai", "Japanese"; not "Saudi Aramco"
        surface = _clean_surface(span)
        words = surface.casefold().split()
        if (
            not surface[:1].isupper()
            or layout.in_title(span.start)
            or _never_a_company(surface, words)
            or is_a_ship(words)
            or not shown_by_context(span, strict=span.label_ == "PERSON")
        ):
            continue
        found.append(span)
    return found


def _never_a_company(name: str, words: list[str]) -> bool:
    """A name the NER did not call an organisation that is still none whatever the context: a real
    place (the model's own places may be companies here, not these), a publication, or a name with a
    word such as "Ministry" or "Council"."""
    return (
        _is_real_place(name) or name.casefold() in PUBLICATIONS or any(w in NOT_COMPANY_WORDS for w in words)
    )


def _unlabelled_names(layout: Layout, records: dict[str, CompanyRecord]) -> list[Span]:
    """Names the NER gave no label at all ("a Boots store", "stores like Biedronka and LIDL"), shown
    to be companies by the words around them."""
    taken = {i for r in records.values() for m in r.mentions for i in range(m.start, m.end)}
    found = []
    for span in layout.unlabelled_names:
        words = [t.lower_ for t in span]
        name = canonical_name(span.text)
        if taken.intersection(range(span.start, span.end)) or (
            words[0] in LEGAL_SUFFIX_TOKENS
            or len(name) < 3
            or _never_a_company(name, words)
            or span.text.casefold() in PUBLICATIONS
            or span.text.upper() in _ACRONYM_STOPLIST
        ):
            continue
        if shown_by_context(span, strict=True):
            found.append(span)
    return found


def _full_name(record: CompanyRecord) -> str:
    """An unknown company's name in full when the story also gives its legal name: "Ford" (the
    headline's word) is "Ford Motor" once "Ford Motor Company" is written."""
    if record.gazetteer_id is not None:
        return record.name
    longer = [
        canonical_name(alias)
        for alias in record.aliases
        if canonical_name(alias) != alias.strip() and canonical_name(alias).startswith(record.name + " ")
    ]
    return max(longer, key=len, default=record.name)


def _drop_unshown(records: dict[str, CompanyRecord], doc: Doc) -> None:
    """Drops the unknown organisations the text never shows to be companies (a party, a band, an
    event). One listed beside a company ("Deutsche Bahn, Deutsche Telekom, Daimler") is one too."""
    shown = {k for k, r in records.items() if r.gazetteer_id is not None or _shows_a_company(r, doc)}
    heads = {first_conjunct(doc[m.end - 1]).i for k in shown for m in records[k].mentions}
    for key in [k for k in records if k not in shown]:
        if not any(first_conjunct(doc[m.end - 1]).i in heads for m in records[key].mentions):
            del records[key]


def _shows_a_company(record: CompanyRecord, doc: Doc) -> bool:
    return any(
        has_company_evidence(doc[m.start : m.end], name)
        for m in record.mentions
        for name in {record.name, canonical_name(m.surface)}
    )


def _is_common_word_use(span: Span) -> bool:
    doc = span.doc
    return len(span) == 1 and span.end < len(doc) and doc[span.end].lower_ in _NATURE_NOUNS


def _only_in_title_as_a_word(record: CompanyRecord, layout: Layout) -> bool:
    """A one-word name like "Apple" that only a Title Case headline has: the body never names the
    company, so the headline used the ordinary word."""
    return all(
        layout.in_title(m.start) and " " not in m.surface and not m.surface.isupper() for m in record.mentions
    )


def _is_located(mention: Mention, doc: Doc) -> bool:
    return mention.start > 0 and doc[mention.start - 1].lower_ in ("in", "near", "outside")


def _with_legal_suffix(doc: Doc, records: dict[str, CompanyRecord]) -> list[Span]:
    """Names the NER missed or took for a person that a legal suffix marks as companies
    ("Pilbara Gallium Ltd.", "Kaveri Semicon Pvt Ltd")."""
    taken = {i for r in records.values() for m in r.mentions for i in range(m.start, m.end)}
    found = []
    for token in doc:
        if token.lower_ not in LEGAL_SUFFIX_TOKENS or token.i in taken:
            continue
        start = token.i
        while start > 0 and start > token.i - 5:
            previous = doc[start - 1]
            if previous.i in taken or not (
                previous.text[:1].isupper() or previous.lower_ in LEGAL_SUFFIX_TOKENS
            ):
                break
            if previous.is_sent_start and previous.lower_ in ("the", "a"):
                break
            start -= 1
        end = token.i + 1
        while end < len(doc) and doc[end].lower_ in LEGAL_SUFFIX_TOKENS:
            end += 1
        words = {t.lower_ for t in doc[start : token.i]}
        # "Facebook Ireland Limited": a known company's own legal name (a subsidiary), not another.
        continues_a_company = start > 0 and start - 1 in taken
        if (
            start < token.i
            and not continues_a_company
            and doc[start].ent_type_ not in ("GPE", "NORP", "DATE", "MONEY")
            and not words & NOT_COMPANY_WORDS
        ):
            found.append(doc[start:end])
            taken.update(range(start, end))
    return found


# First words that do not name a company on their own ("Global" Foundries, "Taiwan" Mask).
_GENERIC_FIRST_WORDS = frozenset(
    """global united national general international first new advanced american asia asian pacific china
    chinese taiwan japan japanese korea korean india indian european europe north south east west western
    eastern northern southern digital applied micro semiconductor technology systems power royal great
    central federal state city""".split()
)


def _find_more_mentions(layout: Layout, records: dict[str, CompanyRecord]) -> None:
    """Mentions of an unknown company the NER missed, such as "Lumora" for "Lumora Photonics" after
    it was named in full (known companies are all found by the gazetteer matcher)."""
    doc = layout.doc
    words = [token.text for token in doc]
    taken = {i for r in records.values() for m in r.mentions for i in range(m.start, m.end)}
    for record in list(records.values()):
        if record.gazetteer_id is not None:
            continue
        forms = {tuple(a.split()) for a in record.aliases} | {tuple(record.name.split())}
        first_word = record.name.split()[0]
        if (
            len(record.name.split()) > 1
            and len(first_word) > 3
            and first_word.casefold() not in _GENERIC_FIRST_WORDS
            and normalize_place(first_word) in (None, first_word)
            and not _is_known_place(first_word, layout)
        ):
            forms.add((first_word,))
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for form in sorted(forms, key=len, reverse=True):
            by_first.setdefault(form[0], []).append(form)
        for start, word in enumerate(words):
            if start in taken or word not in by_first:
                continue
            for form in by_first[word]:
                end = start + len(form)
                if tuple(words[start:end]) == form and not taken.intersection(range(start, end)):
                    span = doc[start:end]
                    _add(records, record.key, record.name, None, span.text, span, layout)
                    taken.update(range(start, end))
                    break


def _add_unknown(records: dict[str, CompanyRecord], span: Span, surface: str, layout: Layout) -> None:
    """A mention of a company the gazetteer does not know, joined to the one it names ("Lumora" to
    "Lumora Photonics") or a new one."""
    name = canonical_name(surface)
    _add(records, _merge_key(name, records) or name, name, None, surface, span, layout)


def _add(
    records: dict[str, CompanyRecord],
    key: str,
    name: str,
    gazetteer_id: str | None,
    surface: str,
    span: Span,
    layout: Layout,
) -> None:
    record = records.setdefault(key, CompanyRecord(key=key, name=name, gazetteer_id=gazetteer_id))
    if surface not in record.aliases:
        record.aliases.append(surface)
    record.mentions.append(Mention(key, surface, span.start, span.end, layout.sentence_index(span.start)))


def _same_company(a: str, b: str) -> bool:
    """Within one article: "Lumora" and "Lumora Photonics" are one company, so are an acronym and
    its long form ("LPI" and "Lumora Photonics International")."""
    if a.casefold() == b.casefold():
        return True
    short, long = sorted((a, b), key=len)
    long_words = long.split()
    if long.casefold().startswith(short.casefold() + " "):
        return True
    initials = "".join(w[0] for w in long_words if w[:1].isupper())
    letters = short.replace("&", "")  # "PG&E" for "Pacific Gas and Electric"
    return len(letters) >= 2 and letters.isupper() and letters == initials


def _merge_key(name: str, records: dict[str, CompanyRecord]) -> str | None:
    for key, record in records.items():
        if record.gazetteer_id is None and _same_company(name, record.name):
            return key
    return None
