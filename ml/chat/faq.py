"""FAQ retrieval: the entry whose question is most similar to the shopper's message.

TF-IDF over word 1-2 grams and character 3-5 grams of each entry's question (and its extra
phrasings), cosine similarity, and a threshold under which nothing is returned: a weak match
is worse than a clarifying question.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from ml.chat.intents import normalise

FAQ_THRESHOLD = 0.35
"""Cosine similarity a match must reach; measured on paraphrases in tests/ml/test_chat_faq.py."""


@dataclass(frozen=True)
class FaqEntryText:
    entry_id: int
    question: str
    answer: str
    phrasings: tuple[str, ...] = ()
    topic: str = ""
    """The intent this entry answers (returns_refunds, shipping_info...), or empty."""


@dataclass(frozen=True)
class FaqMatch:
    entry_id: int
    question: str
    answer: str
    score: float
    topic: str = ""


class FaqIndex:
    """Built once per set of entries (the app rebuilds it when an entry changes)."""

    def __init__(self, entries: list[FaqEntryText], *, threshold: float = FAQ_THRESHOLD):
        self.entries = list(entries)
        self.threshold = threshold
        documents, self._owner = [], []
        for position, entry in enumerate(self.entries):
            for text in (entry.question, *entry.phrasings):
                documents.append(normalise(text))
                self._owner.append(position)
        self._owner = np.asarray(self._owner, dtype=np.int64)
        self._words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._matrix = self._fit(documents) if documents else None

    def _fit(self, documents: list[str]):
        matrix = hstack([self._words.fit_transform(documents), self._chars.fit_transform(documents)]).tocsc()
        # Per block: the analyzer, vocabulary, IDF weights and column offset, to vectorise a query
        # without the vectorizers' per-call machinery (the same TF-IDF, at a fraction of the cost).
        self._blocks = [(v.build_analyzer(), v.vocabulary_, v.idf_, offset)
                        for v, offset in ((self._words, 0), (self._chars, len(self._words.vocabulary_)))]
        return matrix

    def _query(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, weights) of the query's TF-IDF vector; each block L2-normalised and halved in weight."""
        all_columns, all_weights = [], []
        for analyze, vocabulary, idf, offset in self._blocks:
            counts: dict[int, int] = {}
            for gram in analyze(text):
                column = vocabulary.get(gram)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[columns]
            all_columns.append(columns + offset)
            all_weights.append(weights * np.sqrt(0.5) / np.sqrt(weights @ weights))
        if not all_columns:
            return np.empty(0, dtype=np.int64), np.empty(0)
        return np.concatenate(all_columns), np.concatenate(all_weights)

    def search(self, text: str, *, limit: int = 3) -> list[FaqMatch]:
        """Best entries first, each at most once, only those above the threshold."""
        if self._matrix is None or not text.strip():
            return []
        columns, weights = self._query(normalise(text))
        if not len(columns):
            return []
        # Documents are stored with both blocks at weight 1; the halving on their side is sqrt(0.5) too.
        scores = np.asarray(self._matrix[:, columns] @ weights).ravel() * np.sqrt(0.5)
        best: dict[int, float] = {}
        for row in np.argsort(-scores):
            if scores[row] < self.threshold or len(best) >= limit:
                break
            best.setdefault(int(self._owner[row]), float(scores[row]))
        return [
            FaqMatch(self.entries[p].entry_id, self.entries[p].question, self.entries[p].answer, round(s, 4),
                     self.entries[p].topic)
            for p, s in best.items()
        ]

    def best(self, text: str) -> FaqMatch | None:
        found = self.search(text, limit=1)
        return found[0] if found else None

    def answer_for(self, text: str, *, topic: str | None = None) -> FaqMatch | None:
        """The best match, preferring entries of `topic` (the detected intent).

        When the intent is trusted but no entry passes the threshold, the topic's first entry
        answers (a confident "returns" question gets the returns policy even in new words).
        """
        found = self.search(text, limit=3)
        if topic:
            for match in found:
                if match.topic == topic:
                    return match
            for entry in self.entries:
                if entry.topic == topic:
                    return FaqMatch(entry.entry_id, entry.question, entry.answer, 0.0, entry.topic)
        return found[0] if found else None
