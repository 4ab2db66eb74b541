"""Money amounts in an article and the company each belongs to.

Whose money it is comes from the sentence's grammar first: the subject of the verb that governs the
amount ("Samsung will spend $17 billion", "the company is investing $165 billion" with "the company"
resolved), the owner of that subject ("Apple's revenue rose to $95 billion"), the company it is of or
with ("the contract with SpaceX is valued at $2.6 billion"), or the company the
money goes to ("the department awarded TSMC $6.6 billion"). Then the nearest company named before
the amount in the sentence, then a reference ("it", "the firm") earlier in it. An amount in
parentheses restating the one before it belongs to the same company.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.extract.layout import Layout
from bot.extract.normalize_money import Money, find_money
from bot.extract.references import Resolver, is_reference

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_SUBJECT = {"nsubj", "nsubjpass"}
_RECIPIENT = {"dative", "dobj", "iobj", "pobj"}


@dataclass(frozen=True)
class FoundAmount:
    money: Money
    company: str | None  # company key
    sentence: int
    token: int  # the amount's head token in the doc


def find_amounts(layout: Layout, resolver: Resolver) -> list[FoundAmount]:
    found: list[FoundAmount] = []
    doc = layout.doc
    for index, sentence in enumerate(layout.sentences):
        if layout.paragraph_of[index] == 0:
            continue  # the headline restates the body
        previous: FoundAmount | None = None
        for money in find_money(sentence.text):
            span = doc.char_span(
                sentence.start_char + money.start, sentence.start_char + money.end, alignment_mode="expand"
            )
            if span is None:
                continue
            if previous is not None and _restates(sentence, previous, span):
                company = previous.company
            else:
                company = _owner(span, resolver)
            previous = FoundAmount(money, company, index, span.root.i)
            found.append(previous)
    return found


def _restates(sentence: Span, previous: FoundAmount, span: Span) -> bool:
    """ "$85 million (approximately NT$2.76 billion)": the second amount is in brackets right after."""
    doc = sentence.doc
    between = doc[previous.token : span.start].text
    return "(" in between and len(between) < 40


def _owner(span: Span, resolver: Resolver) -> str | None:
    if owner := _owner_by_noun(span, resolver):
        return owner
    verb = _governing_verb(span.root)
    for _ in range(4):  # the amount's verb, then the verbs it hangs from ("plans to invest $X")
        if verb is None:
            break
        if owner := _owner_by_grammar(verb, span, resolver):
            return owner
        if verb.dep_ not in ("xcomp", "ccomp", "advcl", "conj") or verb.head is verb:
            break
        verb = _governing_verb(verb.head)
    root = span.sent.root
    for child in root.children:
        if child.dep_ in _SUBJECT and (owner := resolver.company_of(child)):
            return owner  # the sentence is about this company
    before = [t for t in span.sent if t.i < span.start]
    for token in reversed(before):
        if owner := resolver.company_at(token.i):
            return owner
    for token in reversed(before):
        if is_reference(token):
            return resolver.resolve(token.i)
    return None


def _owner_by_noun(span: Span, resolver: Resolver) -> str | None:
    """ "a $6.6 billion grant for TSMC", "state aid of €920 million for Infineon's plant", "a Rs 2,000
    crore line by Kaveri Semicon": the thing the amount measures says whose it is."""
    noun = span.root
    for _ in range(4):
        for child in noun.children:
            if span.start <= child.i < span.end:
                continue
            if child.dep_ == "prep" and child.lower_ in ("for", "to", "by"):
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj" and (owner := resolver.company_of(grandchild)):
                        return owner
            if child.dep_ == "poss" and (owner := resolver.company_of(child)):
                return owner
        if noun.head is noun or noun.pos_ in ("VERB", "AUX"):
            return None
        noun = noun.head
        if noun.pos_ in ("VERB", "AUX"):
            return None
    return None


def _owner_by_grammar(verb: Token, span: Span, resolver: Resolver) -> str | None:
    for child in verb.children:
        if child.dep_ in _SUBJECT and (owner := resolver.company_of(child) or _party_of(child, resolver)):
            return owner
    for child in verb.children:
        if span.start <= child.i < span.end:
            continue
        if child.dep_ in _RECIPIENT and (owner := resolver.company_at(child.i)):
            return owner
        if child.dep_ in ("prep", "dative") and child.lower_ in ("to", "for"):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj" and (owner := resolver.company_at(grandchild.i)):
                    return owner
    return None


def _party_of(subject: Token, resolver: Resolver) -> str | None:
    """ "The contract with SpaceX is valued at $2.6 billion", "sales of Acme rose to $5 billion": the
    company the subject noun is of, with or for."""
    for prep in subject.children:
        if prep.dep_ == "prep" and prep.lower_ in ("with", "of", "for"):
            for noun in prep.children:
                if noun.dep_ == "pobj" and (owner := resolver.company_of(noun)):
                    return owner
    return None


def _governing_verb(token: Token) -> Token | None:
    current = token
    for _ in range(12):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head is current:
            return None
        current = current.head
    return None
