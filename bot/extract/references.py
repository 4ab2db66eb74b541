"""Which company "the company", "the chipmaker", "the board" or "it" points to.

Reporters introduce a company before referring back to it, mostly within the same paragraph; a
paragraph that opens with "the company" usually names it in its next sentence (as the seed article
does with TSMC). So the search goes: earlier in the same sentence, earlier sentences of the same
paragraph (nearest first, the subject preferred), the next sentence of the paragraph, and only
then earlier paragraphs. Never simply the nearest name.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from bot.extract.companies import CompanyRecord, Mention
from bot.extract.company_evidence import COMPANY_NOUNS as BUSINESS_KINDS
from bot.extract.layout import Layout

if TYPE_CHECKING:
    from spacy.tokens import Token

# "the company", "the airline", "the chain": every noun for a kind of business, and the words that
# stand for a company in its own story ("the board", "the group", "the parent").
COMPANY_NOUNS = BUSINESS_KINDS | {"board", "group", "unit", "parent", "partner", "business", "designer"}
PRONOUNS = {"it", "its", "itself"}
_SUBJECT = {"nsubj", "nsubjpass"}
_DEMONSTRATIVES = {"this", "that", "these", "those", "such"}


def is_reference(token: Token) -> bool:
    """A pronoun or a definite description for a company: "the company", "the Taiwanese chipmaker",
    "the world's largest contract chipmaker", "China's largest foundry"."""
    lowered = token.lower_
    if lowered in PRONOUNS:
        return True
    if lowered not in COMPANY_NOUNS or token.pos_ not in ("NOUN", "PROPN"):
        return False
    for child in token.children:
        if child.dep_ == "det" and child.lower_ in ("the", "this", "that"):
            return True
        if child.dep_ == "poss" and (child.lower_ == "world" or child.ent_type_ in ("GPE", "LOC")):
            return True
    return False


def is_subject(mention: Mention, layout: Layout) -> bool:
    for token in layout.doc[mention.start : mention.end]:
        if token.dep_ in _SUBJECT:
            return True
        if token.dep_ in ("poss", "appos") and token.head.dep_ in _SUBJECT:
            return True
    return False


class Resolver:
    def __init__(self, layout: Layout, companies: list[CompanyRecord]) -> None:
        self.layout = layout
        self.by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for company in companies:
            for mention in company.mentions:
                self.by_sentence[mention.sentence].append(mention)
        for mentions in self.by_sentence.values():
            mentions.sort(key=lambda m: m.start)

    def company_at(self, token_index: int) -> str | None:
        """The company whose explicit mention covers this token."""
        sentence = self.layout.sentence_index(token_index)
        for mention in self.by_sentence.get(sentence, []):
            if mention.start <= token_index < mention.end:
                return mention.key
        return None

    def resolve(self, token_index: int, *, pronoun: bool | None = None) -> str | None:
        layout = self.layout
        sentence = layout.sentence_index(token_index)
        paragraph = layout.paragraph_of[sentence]
        before = [m for m in self.by_sentence.get(sentence, []) if m.end <= token_index]
        if before:
            subjects = [m for m in before if is_subject(m, layout)]
            return (subjects or before)[-1].key
        for index in range(sentence - 1, -1, -1):
            if layout.paragraph_of[index] != paragraph:
                break
            if found := self._main_company(index) or self._referred_subject(index):
                return found
        following = sentence + 1
        same_paragraph = following < len(layout.sentences) and layout.paragraph_of[following] == paragraph
        # Forward only when the next sentence carries the topic on ("This initiative ...").
        continues = same_paragraph and layout.sentences[following][0].lower_ in _DEMONSTRATIVES
        if continues and (mentions := self.by_sentence.get(following)):
            return mentions[0].key
        if pronoun is None:
            pronoun = layout.doc[token_index].lower_ in PRONOUNS
        if pronoun:
            return None  # a pronoun does not reach across paragraphs
        for index in range(sentence - 1, -1, -1):  # earlier paragraphs, the headline last
            if found := self._main_company(index):
                return found
        return None

    def resolve_description(self, token_index: int) -> str | None:
        """What "the company" would point to if it stood at this token."""
        return self.resolve(token_index, pronoun=False)

    def _referred_subject(self, sentence: int) -> str | None:
        """The company an earlier sentence's subject refers to ("The Hsinchu-based firm has raised
        ... It expects ..."): the chain of references goes on through it."""
        for token in self.layout.sentences[sentence]:
            if token.dep_ in _SUBJECT and is_reference(token):
                return self.resolve(token.i)
        return None

    def _main_company(self, sentence: int) -> str | None:
        mentions = self.by_sentence.get(sentence)
        if not mentions:
            return None
        subjects = [m for m in mentions if is_subject(m, self.layout)]
        return (subjects or mentions)[0].key

    def company_of(self, token: Token) -> str | None:
        """The company a noun stands for: named ("Inventec"), owning it ("Inventec's board", "its
        board"), or referred to ("the company", "it")."""
        if owner := self.company_at(token.i):
            return owner
        for child in token.children:
            if child.dep_ == "poss":
                if owner := self.company_at(child.i):
                    return owner
                if is_reference(child):
                    return self.resolve(child.i)
            if child.dep_ in ("compound", "appos") and (owner := self.company_at(child.i)):
                return owner
            if child.dep_ == "prep" and child.lower_ in ("at", "of", "from", "by"):
                # "revenue at China's largest chipmaker", "a plant by Kaveri Semicon"
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj" and (owner := self.company_of(grandchild)):
                        return owner
        if is_reference(token):
            return self.resolve(token.i)
        return None
