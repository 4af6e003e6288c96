"""Extractive pros and cons: for each aspect, how many reviews praise (or fault) it and the sentence that says it best.

The representative is the most typical sentence of its group (highest mean TF-IDF cosine
similarity to the group's other sentences; the stronger score breaks ties), so it reads like
what most reviewers wrote rather than the one odd outlier.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from ml.text.sentiment import NEGATIVE, POSITIVE

GENERAL = "overall"
"""The group of opinion sentences that name no aspect ("Absolutely love it!")."""


@dataclass(frozen=True)
class Opinion:
    review_id: int
    aspect: str
    sentiment: str
    score: float
    text: str


@dataclass(frozen=True)
class SummaryPoint:
    aspect: str
    reviews: int
    sentence: str


@dataclass(frozen=True)
class Summary:
    pros: list[SummaryPoint]
    cons: list[SummaryPoint]

    def as_dict(self) -> dict:
        return {"pros": [vars(p) for p in self.pros], "cons": [vars(c) for c in self.cons]}


def summarize(opinions: Iterable[Opinion], *, top: int = 3) -> Summary:
    """The `top` most-mentioned aspects on each side, counted once per review."""
    groups: dict[tuple[str, str], list[Opinion]] = defaultdict(list)
    for opinion in opinions:
        if opinion.sentiment in (POSITIVE, NEGATIVE):
            groups[(opinion.sentiment, opinion.aspect)].append(opinion)
    sides: dict[str, list[SummaryPoint]] = {POSITIVE: [], NEGATIVE: []}
    for (sentiment, aspect), members in groups.items():
        reviews = len({m.review_id for m in members})
        sides[sentiment].append(SummaryPoint(aspect, reviews, representative(members)))
    ranked = {side: sorted(points, key=lambda p: (-p.reviews, p.aspect))[:top] for side, points in sides.items()}
    return Summary(pros=ranked[POSITIVE], cons=ranked[NEGATIVE])


def representative(members: list[Opinion]) -> str:
    texts = [m.text for m in members]
    distinct = sorted(set(texts))
    if len(distinct) == 1:
        return distinct[0]
    try:
        matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words
        return max(members, key=lambda m: abs(m.score)).text
    similarity = cosine_similarity(matrix)
    np.fill_diagonal(similarity, 0.0)
    typicality = similarity.sum(axis=1) / max(1, len(texts) - 1)
    best = max(range(len(members)), key=lambda i: (round(float(typicality[i]), 6), abs(members[i].score)))
    return members[best].text
