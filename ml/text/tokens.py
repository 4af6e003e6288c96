"""Light text segmentation: regex sentences, clauses on contrast words, lemmatised tokens.

A parser (spaCy's small English model, ~13 MB plus spaCy itself) was considered for noun
phrases and clauses; reviews are short and written plainly, so a regex splitter and a
suffix-stripping lemmatiser give the same aspects here without a model to load per worker
(see docs/reviews.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
# "but", "however", "although", "though", "whereas": the clause after one
# usually turns the sentiment ("great mug but slow delivery").
CONTRAST_WORDS = ("but", "however", "although", "though", "whereas")
_CONTRAST = re.compile(r"\s*(?:[,;:]\s*|\s)(?=(?:" + "|".join(CONTRAST_WORDS) + r")\b)", re.IGNORECASE)
_LEADING_CONTRAST = re.compile(r"^(?:" + "|".join(CONTRAST_WORDS) + r")\b[\s,]*", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
# Negations stay tokens: "not good" must not lose its "not" to the stop-word list.
NEGATIONS = frozenset({"not", "no", "never", "nothing", "nor", "none", "cannot", "without"})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) - NEGATIONS


@dataclass(frozen=True)
class Span:
    """A piece of the original text and where it starts, so evidence can be highlighted."""

    text: str
    start: int


def sentences(text: str) -> list[Span]:
    """Sentences of `text`: split after . ! ? before a capital or digit, and at line breaks."""
    spans: list[Span] = []
    position = 0
    for piece in _SENTENCE_END.split(text):
        start = text.find(piece, position)
        stripped = piece.strip()
        if stripped:
            spans.append(Span(stripped, start + (len(piece) - len(piece.lstrip()))))
        position = max(position, start + len(piece))
    return spans


def clauses(sentence: str) -> list[str]:
    """`sentence` cut before each contrast word; the contrast word itself is dropped.

    "Great mug but slow delivery" -> ["Great mug", "slow delivery"], so each side gets its
    own sentiment instead of one averaged score.
    """
    parts = [_LEADING_CONTRAST.sub("", part).strip(" ,;:") for part in _CONTRAST.split(sentence)]
    return [part for part in parts if part]


def lemma(word: str) -> str:
    """A crude English lemma: plural and verb endings stripped ("deliveries" -> "delivery")."""
    if word.endswith("'s"):  # possessive or "it's"
        word = word[:-2]
    if len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes and hyphens kept inside words)."""
    return _WORD.findall(text.lower())


def content_lemmas(text: str) -> list[str]:
    """Lemmas of the words that carry content: stop words dropped, negations kept."""
    return [base for base in (lemma(word) for word in words(text) if word not in STOP_WORDS) if base not in STOP_WORDS]


def content_bigrams(text: str) -> list[str]:
    """Two-lemma phrases of adjacent content words ("phone case"); never across a dropped stop word."""
    tokens = words(text)
    return [
        f"{lemma(a)} {lemma(b)}"
        for a, b in zip(tokens, tokens[1:], strict=False)
        if a not in STOP_WORDS and b not in STOP_WORDS and a not in NEGATIONS and b not in NEGATIONS
    ]
