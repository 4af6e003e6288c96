"""Segment names and personas that say only what the data shows.

A segment is named for the feature on which its centroid stands furthest from the average
customer (centroids are in standard deviations), e.g. "Gift buyers" for a segment whose share of
November-December orders is far above average. The persona then states the segment's own figures
beside everyone's for its three most distinctive features, plus its favourite category.
"""

from __future__ import annotations

import numpy as np

from ml.segments.features import CATEGORY_PREFIX

PREFERENCE_SHARE = 0.25
"""A category "preferred" by a segment holds at least this share of its items."""
MIN_DISTINCTION = 0.25
"""A centroid closer than this (in standard deviations) to the average does not name a segment."""
NAMES: dict[tuple[str, int], str] = {
    ("holiday_share", 1): "Gift buyers",
    ("aov", 1): "High-AOV buyers",
    ("aov", -1): "Small-basket buyers",
    ("monetary", 1): "Big spenders",
    ("monetary", -1): "Light spenders",
    ("frequency", 1): "Regulars",
    ("frequency", -1): "One-time buyers",
    ("recency_days", 1): "Lapsed customers",
    ("recency_days", -1): "Recent buyers",
    ("browsing_depth", 1): "Deep browsers",
    ("browsing_depth", -1): "Quick deciders",
    ("cart_abandonment", 1): "Cart abandoners",
    ("cart_abandonment", -1): "Checkout finishers",
    ("discount_share", 1): "Bargain hunters",
    ("review_sentiment", 1): "Happy reviewers",
    ("review_sentiment", -1): "Unhappy reviewers",
}
PHRASES: dict[str, str] = {
    "holiday_share": "{value:.0%} of orders in November-December (all customers {overall:.0%})",
    "aov": "average order {value:,.2f} (all customers {overall:,.2f})",
    "monetary": "spent {value:,.2f} each (all customers {overall:,.2f})",
    "frequency": "{value:.1f} orders each (all customers {overall:.1f})",
    "recency_days": "last order {value:.0f} days ago (all customers {overall:.0f})",
    "browsing_depth": "{value:.1f} product views per visit (all customers {overall:.1f})",
    "cart_abandonment": "leave {value:.0%} of filled carts (all customers {overall:.0%})",
    "discount_share": "{value:.0%} of items bought on discount (all customers {overall:.0%})",
    "review_sentiment": "review sentiment {value:+.2f} on -1..+1 (all customers {overall:+.2f})",
}


def _candidates(centroid: np.ndarray, feature_names: list[str]) -> list[tuple[str, int]]:
    """(feature, direction) pairs, most distinctive first."""
    order = np.argsort(-np.abs(centroid))
    return [(feature_names[i], 1 if centroid[i] > 0 else -1) for i in order if abs(centroid[i]) >= MIN_DISTINCTION]


def _name_for(feature: str, direction: int) -> str | None:
    if feature.startswith(CATEGORY_PREFIX):
        return f"{feature[len(CATEGORY_PREFIX) :]} lovers" if direction > 0 else None
    return NAMES.get((feature, direction))


def segment_names(centroids: np.ndarray, feature_names: list[str]) -> list[str]:
    """One distinct name per centroid, largest distinctions claimed first."""
    names: list[str | None] = [None] * len(centroids)
    claims = [
        (abs(c[feature_names.index(f)]), i, name)
        for i, c in enumerate(centroids)
        for f, d in _candidates(c, feature_names)
        if (name := _name_for(f, d)) is not None
    ]
    claims.sort(key=lambda claim: (-claim[0], claim[1]))
    taken: set[str] = set()
    for _, index, name in claims:
        if name and names[index] is None and name not in taken:
            names[index] = name
            taken.add(name)
    for index, name in enumerate(names):
        if name is None:
            fallback = "Typical customers"
            suffix = 2
            while fallback in taken:
                fallback, suffix = f"Typical customers {suffix}", suffix + 1
            names[index] = fallback
            taken.add(fallback)
    return [str(name) for name in names]


def persona(
    *,
    name: str,
    centroid: np.ndarray,
    feature_names: list[str],
    segment_means: dict[str, float],
    overall_means: dict[str, float],
    top_category: tuple[str, float] | None,
) -> str:
    """ "Gift buyers: 62% of orders in November-December (all customers 18%); ..." from the segment's figures."""
    facts: list[str] = []
    for feature, _ in _candidates(centroid, feature_names):
        if feature in PHRASES and feature in segment_means:
            facts.append(PHRASES[feature].format(value=segment_means[feature], overall=overall_means[feature]))
        if len(facts) == 3:
            break
    if top_category is not None and top_category[1] >= PREFERENCE_SHARE:
        facts.append(f"prefer {top_category[0]} ({top_category[1]:.0%} of their items)")
    return f"{name}: " + ("; ".join(facts) if facts else "close to the average customer on every feature") + "."
