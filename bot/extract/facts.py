"""Typed facts: for each sentence that says a company did something, what kind of thing it was
(investment, expansion, funding, earnings, approval, plan, statement), with the company, amount,
place and date that sentence gives. Kinds are told apart by their trigger words, the more specific
kind winning when a sentence has several ("the board approved a U.S. investment plan" is an approval).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.extract.amounts import FoundAmount
from bot.extract.company_evidence import introduces_examples
from bot.extract.layout import Layout
from bot.extract.references import Resolver

if TYPE_CHECKING:
    from spacy.tokens import Span

# In order of precedence.
TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(r"\b(?:" + words + r")\b", re.IGNORECASE))
    for kind, words in (
        (
            "approval",
            r"approv\w*|authori[sz]\w*|green[- ]?light\w*|cleared|sign(?:ed|s)? off|ratif\w*|endors\w*",
        ),
        (
            "funding",
            r"subsid\w*|grants?|funding|funded|financing|raised|raises|funding round|series [a-f]|loans?|"
            r"incentives?|tax credits?|awarded|award|backing from|venture capital",
        ),
        (
            "earnings",
            r"revenues?|profits?|net income|earnings|losses|loss|sales|quarterly|quarter|guidance|"
            r"operating income|margins?|results|forecast",
        ),
        (
            "expansion",
            r"build\w*|construct\w*|plants?|factor(?:y|ies)|fabs?|facilit(?:y|ies)|production lines?|"
            r"manufacturing base|campus|expan\w*|opens?|opened|opening|broke ground|breaks ground|"
            r"ground-?breaking|new site|headquarters|push into|set(?:ting)? up|establish\w*|relocat\w*",
        ),
        (
            "investment",
            r"invest(?!igat)\w*|stake|capital expenditure|capex|spend\w*|acqui\w*|buy(?:s|ing)? out|takeover|merger",
        ),
        (
            "plan",
            r"plans?|planned|planning|consider(?:s|ed|ing)?|evaluat\w*|assess\w*|explor\w*|weigh\w*|stud(?:y|ies|ying)|"
            r"intends?|intention|aims?|mull\w*|discuss\w*|expects? to|looking (?:at|into)|mulls|proposal|proposed",
        ),
        (
            "statement",
            r"said|says|stated|noted|remarked|told|announced|confirmed|expressed|added|according to|"
            r"believes?|warned|indicated|commented|explained|statement|claim(?:s|ed)|wrote|writes|writing|"
            r"alleged|argued|insisted|denied|described",
        ),
    )
)
# An amount alone makes a sentence an investment when nothing more specific fits.
_MONEY_KIND = "investment"
_SPECIFIC = ("approval", "funding", "earnings")


@dataclass(frozen=True)
class FoundFact:
    kind: str
    company: str | None
    amount: FoundAmount | None
    place: str | None
    date: str | None
    sentence: int


def classify(text: str, has_amount: bool) -> str | None:
    kinds = [kind for kind, pattern in TRIGGERS if pattern.search(text)]
    if not kinds:
        return _MONEY_KIND if has_amount else None
    if has_amount and kinds[0] not in _SPECIFIC and "investment" in kinds:
        return "investment"
    if kinds[0] in ("expansion", "investment") and "plan" in kinds:
        # "evaluating the establishment of a production line": a plan about a site is still a plan.
        return "plan"
    return kinds[0]


_RAISE = frozenset("raise raised raises raising".split())
# What a company raises when it raises money: the rest ("raised its spending", "raised its outlook")
# is a figure going up, not funding.
_RAISED_MONEY = frozenset("money funds funding capital cash financing equity debt round".split())
_OPEN = frozenset("open opens opened opening".split())
# What a company opens when it expands: "opened fire", "opened an investigation" are not sites.
_OPENED_SITES = frozenset(
    """plant plants factory factories office offices store stores shop shops facility facilities site
    headquarters campus line lines branch branches center centre centres hub warehouse outlet restaurant
    hotel route routes fab fabs mine mines depot""".split()
)


def _trigger_text(sentence: Span) -> str:
    """The sentence's text with the trigger verbs left out whose object shows another sense:
    "raised its outlook" (a figure going up, not funding), "opened fire", "opened an investigation"
    (not a new site)."""
    words = []
    for token in sentence:
        objects = [c for c in token.children if c.dep_ == "dobj"]
        other_sense = (
            token.lower_ in _RAISE
            and any(
                o.lower_ not in _RAISED_MONEY and o.ent_type_ != "MONEY" and not o.like_num for o in objects
            )
        ) or (token.lower_ in _OPEN and any(o.lower_ not in _OPENED_SITES for o in objects))
        words.append(("" if other_sense else token.text) + token.whitespace_)
    return "".join(words)


def find_facts(
    layout: Layout,
    resolver: Resolver,
    amounts: list[FoundAmount],
    places: dict[int, list[str]],
    dates: dict[int, list[str]],
    spokespeople: dict[str, str],
) -> list[FoundFact]:
    """`spokespeople`: a company's people by the casefolded words of their names ("wright" -> Red
    Hat's key), so that "Wright also said ..." is the company's statement."""
    facts: list[FoundFact] = []
    by_sentence: dict[int, list[FoundAmount]] = {}
    for amount in amounts:
        by_sentence.setdefault(amount.sentence, []).append(amount)
    for index, sentence in enumerate(layout.sentences):
        if layout.paragraph_of[index] == 0:
            continue
        sentence_amounts = by_sentence.get(index, [])
        kind = classify(_trigger_text(sentence), bool(sentence_amounts))
        if kind is None or any(child.dep_ == "neg" for child in sentence.root.children):
            continue  # nothing to report, or what did not happen ("did not take part this time")
        for company in _actors(sentence, resolver, sentence_amounts, spokespeople):
            company_amount = next((a for a in sentence_amounts if a.company == company), None)
            facts.append(
                FoundFact(
                    kind=kind,
                    company=company,
                    amount=company_amount,
                    place=places[index][0] if places.get(index) else None,
                    date=dates[index][0] if dates.get(index) else None,
                    sentence=index,
                )
            )
    return facts


def _actors(
    sentence: Span, resolver: Resolver, amounts: list[FoundAmount], spokespeople: dict[str, str]
) -> list[str]:
    """The sentence's company, or the companies coordinated as its subject ("Deutsche Bahn, Daimler
    and Siemens have announced plans ...", "German firms including Daimler and Siemens said ..."):
    one fact each."""
    company = _actor(sentence, resolver, amounts, spokespeople)
    if company is None:
        return []
    subjects = [t for t in sentence if t.dep_ in ("nsubj", "nsubjpass")]
    for token in sorted(subjects, key=lambda t: t.head.dep_ != "ROOT"):  # the main verb's first
        named = [token, *token.conjuncts]
        for prep in token.children:  # "firms including X and Y"
            if introduces_examples(prep):
                named += [t for o in prep.children if o.dep_ == "pobj" for t in (o, *o.conjuncts)]
        found = [c for t in named if (c := resolver.company_of(t)) is not None]
        if company in found or (found and not amounts):
            return list(dict.fromkeys(found))
        break
    return [company]


def _actor(
    sentence: Span, resolver: Resolver, amounts: list[FoundAmount], spokespeople: dict[str, str]
) -> str | None:
    """The company the sentence is about: its amount's owner, a company subject, a company's person
    as the subject, a company named in it, or a reference to one."""
    owned = [a.company for a in amounts if a.company]
    if owned:
        return owned[0]
    layout = resolver.layout
    subjects = [token for token in sentence if token.dep_ in ("nsubj", "nsubjpass")]
    for token in subjects:
        if found := resolver.company_of(token):
            return found
    for token in subjects:
        if token.ent_type_ == "PERSON" and (found := spokespeople.get(token.lower_)):
            return found
    mentions = resolver.by_sentence.get(layout.sentence_index(sentence.start), [])
    return mentions[0].key if mentions else None
