"""Topics of a set of reviews: NMF over TF-IDF of content lemmas, labelled by top terms, scored by NPMI coherence.

The number of topics is chosen among a few candidates by mean NPMI coherence (normalised
pointwise mutual information of a topic's top terms co-occurring in the same reviews, -1..1,
higher is more coherent). A review whose topic weights are all small, or spread over topics
with no clear winner, is reported as fitting no topic rather than forced into the nearest one.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from ml.text.tokens import NEGATIONS, content_lemmas

MIN_DOCUMENTS = 10
TOP_TERMS = 8
COHERENCE_TERMS = 5
LABEL_TERMS = 3
TERM_FLOOR = 0.1
"""A top term must weigh at least this fraction of the topic's strongest term."""
MIN_SHARE = 0.5
"""The winning topic must hold at least this share of a review's topic weight."""
MIN_WEIGHT = 0.2
"""... and at least this fraction of the typical (median) winning weight."""
MIN_MEMBERSHIP = 0.1
"""A review's share of a topic's weight below this is not listed among its topics (NMF residue)."""


@dataclass(frozen=True)
class Topic:
    id: int
    label: str
    terms: list[str]
    size: int
    coherence: float


@dataclass(frozen=True)
class Membership:
    """Where one review sits among the topics: the one it fits (None: no clear fit) and its shares."""

    topic: int | None
    shares: list[tuple[int, float]]
    """(topic id, share of the review's topic weight), largest first, shares under MIN_MEMBERSHIP left out."""


@dataclass(frozen=True)
class TopicModel:
    topics: list[Topic]
    assignments: list[int | None]
    """Topic id per input review, None when it fits no topic."""
    coherence: float
    """Mean NPMI over topics."""
    vectorizer: TfidfVectorizer = field(repr=False, compare=False)
    nmf: NMF = field(repr=False, compare=False)
    typical_weight: float = 0.0
    """Median winning topic weight of the fitted reviews: the yardstick for "fits no topic"."""

    def assign(self, texts: Sequence[str]) -> list[int | None]:
        """The topic of each new text under the fitted model, None when it fits none."""
        return _winners(self.nmf.transform(self.vectorizer.transform(texts)), self.typical_weight)

    def memberships(self, texts: Sequence[str]) -> list[Membership]:
        """The topic each text fits (same rule as `assign`) and its weight shares over all topics.

        Shares rather than raw NMF weights, so a stored review's weights compare across reviews of
        different lengths and sum to (about) one.
        """
        if not texts:
            return []
        weights = self.nmf.transform(self.vectorizer.transform(texts))
        totals = weights.sum(axis=1)
        result = []
        for row, total, winner in zip(weights, totals, _winners(weights, self.typical_weight), strict=True):
            shares = row / total if total > 0 else np.zeros_like(row)
            ranked = [
                (int(i), round(float(shares[i]), 3)) for i in np.argsort(shares)[::-1] if shares[i] >= MIN_MEMBERSHIP
            ]
            result.append(Membership(winner, ranked))
        return result

    @property
    def unassigned(self) -> int:
        return sum(1 for topic in self.assignments if topic is None)

    def as_dict(self) -> dict:
        return {
            "topics": [vars(topic) for topic in self.topics],
            "coherence": self.coherence,
            "unassigned": self.unassigned,
            "documents": len(self.assignments),
        }


@dataclass(frozen=True)
class _Terms:
    """The vectorizer's analyzer: content lemmas minus `exclude` (a class, so fitted models pickle)."""

    exclude: frozenset[str] = frozenset()

    def __call__(self, text: str) -> list[str]:
        return [
            lemma for lemma in content_lemmas(text) if lemma not in NEGATIONS and lemma not in self.exclude and len(lemma) > 2
        ]


def npmi_coherence(top_terms: Sequence[int], presence: sparse.csc_matrix) -> float:
    """Mean NPMI of every pair of `top_terms` (column indices), from document co-occurrence.

    A pair never seen together scores -1; a pair always seen together scores 1.
    """
    documents = presence.shape[0]
    columns = {term: set(presence[:, term].indices) for term in top_terms}
    values = []
    for a, b in combinations(top_terms, 2):
        both = len(columns[a] & columns[b])
        if both == 0:
            values.append(-1.0)
            continue
        p_a, p_b, p_ab = len(columns[a]) / documents, len(columns[b]) / documents, both / documents
        values.append(1.0 if p_ab >= 1.0 else float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)))
    return float(np.mean(values)) if values else 0.0


def fit_topics(
    texts: Sequence[str],
    *,
    n_topics: int | None = None,
    candidates: Sequence[int] = (2, 3, 4, 5, 6),
    exclude: frozenset[str] = frozenset(),
    seed: int = 0,
) -> TopicModel | None:
    """Topics of `texts`, or None when there are too few reviews (or words) to find any.

    `exclude`: words never used as topic terms; the app passes opinion words, so topics say what
    reviews talk about ("courier / parcel / tracking") rather than how they feel ("great / lovely").
    """
    if len(texts) < MIN_DOCUMENTS:
        return None
    vectorizer = TfidfVectorizer(analyzer=_Terms(frozenset(exclude)), min_df=2, max_df=0.7, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term left after pruning
        return None
    vocabulary = vectorizer.get_feature_names_out()
    presence = (matrix > 0).astype(np.int8).tocsc()
    sizes = [n_topics] if n_topics else [k for k in candidates if k < min(len(vocabulary), len(texts) // 3)]
    best: TopicModel | None = None
    for k in sizes or [2]:
        model = _fit(vectorizer, matrix, presence, k, seed)
        if best is None or model.coherence > best.coherence + 1e-9:
            best = model
    return best


def _winners(weights: np.ndarray, typical: float) -> list[int | None]:
    top = weights.max(axis=1)
    totals = weights.sum(axis=1)
    fits = (top > 0) & (top >= MIN_WEIGHT * typical) & (top >= MIN_SHARE * np.where(totals > 0, totals, 1))
    return [int(w) if ok else None for w, ok in zip(weights.argmax(axis=1), fits, strict=True)]


def _fit(vectorizer: TfidfVectorizer, matrix, presence, k: int, seed: int) -> TopicModel:
    vocabulary = vectorizer.get_feature_names_out()
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000)
    weights = nmf.fit_transform(matrix)
    top = weights.max(axis=1)
    typical = float(np.median(top[top > 0])) if (top > 0).any() else 0.0
    assignments = _winners(weights, typical)
    topics = []
    for index, component in enumerate(nmf.components_):
        ranked = [int(i) for i in np.argsort(component)[::-1][:TOP_TERMS]]
        # Shown terms skip NMF's residue (far below the strongest term); coherence is always
        # measured on the same number of terms, so splitting a theme into thin topics cannot
        # raise it by showing fewer, tighter terms.
        floor = TERM_FLOOR * float(component.max())
        terms = [str(vocabulary[i]) for i in ranked if component[i] > floor]
        topics.append(
            Topic(
                id=index,
                label=" / ".join(terms[:LABEL_TERMS]),
                terms=terms,
                size=sum(1 for a in assignments if a == index),
                coherence=round(npmi_coherence(ranked[:COHERENCE_TERMS], presence), 4),
            )
        )
    coherence = round(float(np.mean([t.coherence for t in topics])), 4)
    return TopicModel(topics, assignments, coherence, vectorizer=vectorizer, nmf=nmf, typical_weight=typical)
