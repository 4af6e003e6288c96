"""Text relevance without PostgreSQL: the SQLite fallback's scorer.

Mirrors the PostgreSQL ranking in spirit: title words weigh TITLE_WEIGHT, description words
DESCRIPTION_WEIGHT (setweight 'A' over 'B'), any word of the query may match (the more, the
better), and a word with no exact match may match a close spelling (rapidfuzz ratio at least
TYPO_MIN_RATIO) at a discount, as pg_trgm's similarity does for typos on PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ml.search.text import stem, tokens

TITLE_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.4
TYPO_MIN_RATIO = 80
TYPO_DISCOUNT = 0.7
MIN_TYPO_TOKEN = 4  # shorter words have too many near neighbours ("mug"/"bag")


@dataclass(frozen=True)
class Document:
    key: int
    title: str
    description: str


def _stems(text: str) -> set[str]:
    return {stem(token) for token in tokens(text)}


def _token_score(query_stem: str, title: set[str], description: set[str]) -> float:
    if query_stem in title:
        return TITLE_WEIGHT
    if query_stem in description:
        return DESCRIPTION_WEIGHT
    if len(query_stem) < MIN_TYPO_TOKEN:
        return 0.0
    for words, weight in ((title, TITLE_WEIGHT), (description, DESCRIPTION_WEIGHT)):
        if words and process.extractOne(query_stem, words, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_RATIO):
            return weight * TYPO_DISCOUNT
    return 0.0


def text_scores(phrasings: list[str], documents: list[Document]) -> dict[int, float]:
    """Score in (0, 1] per matching document: the best phrasing's mean token score."""
    queries = [[stem(token) for token in tokens(phrase)] for phrase in phrasings]
    queries = [query for query in queries if query]
    scores: dict[int, float] = {}
    for document in documents:
        title, description = _stems(document.title), _stems(document.description)
        best = 0.0
        for query in queries:
            best = max(best, sum(_token_score(q, title, description) for q in query) / len(query))
        if best > 0:
            scores[document.key] = best
    return scores
