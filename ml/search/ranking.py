"""Blending text relevance with what shoppers did after the same query (learning from behaviour).

For a query q with n_q past searches and a product p with weighted engagement e(q,p) after
them (ml.search.behaviour), the behaviour rate is smoothed towards a prior (Bayesian
smoothing, a Beta-style pseudo-count):

    b(q,p) = (e(q,p) + ALPHA * mu) / (n_q + ALPHA)

where mu is the mean engagement per search of the products engaged with after any query
(the platform-wide prior) and ALPHA the pseudo-count of searches the prior is worth. A query
searched a few times barely moves the ranking; a product never engaged with gets the prior
share (not zero), so a new listing is not buried under products with one lucky click.

The final score of a candidate is

    score = (1 - BETA) * t / t_max + BETA * b / b_max

with t the text score (ts_rank on PostgreSQL, ml.search.scoring on SQLite) and the maxima
taken over the query's candidates, so both parts lie in [0, 1]. Products shoppers engaged with
after q are candidates even when the text does not match (they bought it, so it answers q).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ALPHA = 5.0
BETA = 0.5


@dataclass(frozen=True)
class QueryBehaviour:
    searches: float  # n_q
    engagement: Mapping[int, float]  # product id -> e(q, p)
    prior: float  # mu


def smoothed_rate(engagement: float, searches: float, prior: float, *, alpha: float = ALPHA) -> float:
    return (engagement + alpha * prior) / (searches + alpha)


def blend(text: Mapping[int, float], behaviour: QueryBehaviour | None, *, beta: float = BETA) -> dict[int, float]:
    """Final scores of the union of text matches and engaged products (see the module doc)."""
    if behaviour is None or not behaviour.engagement or beta <= 0:
        top = max(text.values(), default=0.0)
        return {key: (value / top if top > 0 else 0.0) for key, value in text.items()}
    candidates = set(text) | set(behaviour.engagement)
    rates = {
        key: smoothed_rate(behaviour.engagement.get(key, 0.0), behaviour.searches, behaviour.prior) for key in candidates
    }
    text_top = max(text.values(), default=0.0)
    rate_top = max(rates.values(), default=0.0)
    return {
        key: (1 - beta) * (text.get(key, 0.0) / text_top if text_top > 0 else 0.0)
        + beta * (rates[key] / rate_top if rate_top > 0 else 0.0)
        for key in candidates
    }


def ranked(scores: Mapping[int, float], tie_break: Mapping[int, float] | None = None) -> list[int]:
    """Keys best first; ties go to the higher `tie_break` (e.g. newer), then the lower key, for a stable order."""
    tie = tie_break or {}
    return sorted(scores, key=lambda key: (-scores[key], -tie.get(key, 0.0), key))


def ndcg_at_k(ranking: Sequence[int], relevance: Mapping[int, float], k: int = 10) -> float:
    """Normalised discounted cumulative gain of a ranking against graded relevance (gain 2^rel - 1)."""
    def dcg(gains: Sequence[float]) -> float:
        return sum((2**gain - 1) / math.log2(position + 2) for position, gain in enumerate(gains[:k]))

    ideal = dcg(sorted(relevance.values(), reverse=True))
    if ideal <= 0:
        return 0.0
    return dcg([relevance.get(key, 0.0) for key in ranking]) / ideal
