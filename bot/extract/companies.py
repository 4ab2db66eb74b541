"""Companies in an article: gazetteer matches plus the statistical NER's organisations, with the junk
kept out (government bodies, laws, publications, headline fragments, people, places), one canonical
name per company, and every surface form merged under it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span

from bot.extract.gazetteer import Gazetteer
from bot.extract.layout import Layout
from bot.extract.normalize_places import normalize_place

_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|PLC|plc|AG|SA|S\.A|NV|"
    r"N\.V|GmbH|SE|Oy|AB|ASA|K\.K|Pte|Bhd|S\.p\.A|SpA)\.?)+$"
)
# Words that make an organisation something other than a company.
_NOT_COMPANY_WORDS = {
    "department",
    "ministry",
    "commission",
    "agency",
    "administration",
    "bureau",
    "council",
    "parliament",
    "congress",
    "senate",
    "court",
    "government",
    "authority",
    "committee",
    "police",
    "army",
    "navy",
    "party",
    "assembly",
    "cabinet",
    "reserve",
    "treasury",
    "pentagon",
    "kremlin",
    "legislature",
    "yuan",
    "embassy",
    "consulate",
    "municipality",
    "province",
    "republic",
    "kingdom",
    "nations",
    "university",
    "college",
    "institute",
    "school",
    "academy",
    "hospital",
    "museum",
    "foundation",
    "association",
    "society",
    "chamber",
    "federation",
    "club",
    "league",
    "team",
    "office",
    "union",
    "tribunal",
    "forces",
    "guard",
    "ministries",
    "organisation",
    "organization",
    "secretariat",
    "fund",
    "bank of",
    "commerce",
    "white",
    "house",
}
_LAW_WORDS = {
    "act",
    "bill",
    "law",
    "treaty",
    "accord",
    "agreement",
    "directive",
    "regulation",
    "protocol",
    "code",
}
PUBLICATIONS = {
    "reuters",
    "bloomberg",
    "bloomberg news",
    "nikkei",
    "nikkei asia",
    "financial times",
    "ft",
    "wall street journal",
    "the wall street journal",
    "wsj",
    "cnbc",
    "cnn",
    "bbc",
    "associated press",
    "ap",
    "afp",
    "xinhua",
    "focus taiwan",
    "digitimes",
    "taipei times",
    "south china morning post",
    "scmp",
    "new york times",
    "the new york times",
    "washington post",
    "the guardian",
    "guardian",
    "economist",
    "the economist",
    "forbes",
    "fortune",
    "techcrunch",
    "the verge",
    "wired",
    "yonhap",
    "kyodo",
    "central news agency",
    "cna",
    "business times",
    "straits times",
    "the straits times",
    "handelsblatt",
    "le monde",
    "les echos",
    "wikinews",
    "wikipedia",
    "the information",
    "axios",
    "politico",
    "economic daily news",
    "commercial times",
    "united daily news",
    "liberty times",
    "nikkei shimbun",
    "korea herald",
    "korea times",
    "the korea herald",
    "caixin",
    "global times",
    "china daily",
}
_ACRONYM_STOPLIST = {
    "AI",
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "GDP",
    "EV",
    "EVS",
    "IPO",
    "R&D",
    "ESG",
    "NT",
    "USD",
    "HPC",
    "IT",
    "PC",
    "PCS",
}


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
    if not words or len(surface) > 60 or not re.search(r"[A-Za-z]", surface):
        return True
    if lowered in not_companies or lowered in PUBLICATIONS or surface.upper() in _ACRONYM_STOPLIST:
        return True
    if any(w in _NOT_COMPANY_WORDS for w in words) or words[-1] in _LAW_WORDS:
        return True
    if surface == surface.lower():  # "the company", "apple" the fruit
        return True
    # Title-case headline fragments ("Considers U.S. Investment") carry a verb; companies do not.
    if any(t.tag_ in ("VBZ", "VBD", "VBP", "MD") or t.pos_ == "VERB" for t in span if t.text[:1].isupper()):
        return True
    return normalize_place(surface) is not None and _is_known_place(surface, layout)


def _is_known_place(surface: str, layout: Layout) -> bool:
    normalized = normalize_place(surface)
    return any(
        e.label_ in ("GPE", "LOC") and normalize_place(e.text) == normalized for e in layout.doc.ents
    ) or normalized in {
        "United States",
        "United Kingdom",
        "China",
        "Taiwan",
        "Japan",
        "South Korea",
        "European Union",
    }


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
            known = gazetteer.by_id[span.ent_id_]
            _add(records, known.id, known.name, known.id, surface, span, layout)
        else:
            pending.append((span, surface))

    body_names = [canonical_name(surface) for span, surface in pending if not layout.in_title(span.start)]
    for span, surface in pending:
        known = gazetteer.lookup(surface) or gazetteer.lookup(canonical_name(surface))
        if known is not None:
            _add(records, known.id, known.name, known.id, surface, span, layout)
            continue
        if _is_junk(span, surface, layout, not_companies):
            continue
        name = canonical_name(surface)
        key = _merge_key(name, records) or name
        if (
            key not in records
            and layout.in_title(span.start)
            and not any(_same_company(name, b) for b in body_names)
        ):
            continue  # unknown and only in the headline: a title-case fragment, not a company
        _add(records, key, records[key].name if key in records else name, None, surface, span, layout)

    ordered = sorted(records.values(), key=lambda r: min(m.start for m in r.mentions))
    return ordered


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
    return len(short) >= 2 and short.isupper() and short == initials


def _merge_key(name: str, records: dict[str, CompanyRecord]) -> str | None:
    for key, record in records.items():
        if record.gazetteer_id is None and _same_company(name, record.name):
            return key
    return None
