"""Association rules between items bought together (categories or products), from pair counts.

A basket is one order. For a rule A -> B over N baskets:
support = baskets with A and B / N; confidence = baskets with A and B / baskets with A;
lift = confidence / (baskets with B / N), i.e. how much more often B is in a basket that holds A
than in any basket. Counts (not baskets) come in, so the same function serves the daily rollups
summed over any date range.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Rule:
    antecedent: Hashable
    consequent: Hashable
    together: int
    support: float
    confidence: float
    lift: float


def basket_pairs(baskets: Iterable[Iterable[Hashable]]) -> Counter:
    """How many baskets hold each unordered pair of distinct items; a pair's key is sorted (a < b)."""
    counts: Counter = Counter()
    for basket in baskets:
        counts.update(combinations(sorted(set(basket)), 2))
    return counts


def association_rules(
    *,
    baskets: int,
    item_counts: Mapping[Hashable, int],
    pair_counts: Mapping[tuple[Hashable, Hashable], int],
    min_together: int = 1,
) -> list[Rule]:
    """Both directions of every pair seen in at least `min_together` baskets, best lift first.

    Ties in lift go to the pair seen in more baskets (better evidence), then by name for a stable order.
    """
    if baskets <= 0:
        return []
    rules: list[Rule] = []
    for (a, b), together in pair_counts.items():
        if together < min_together:
            continue
        for antecedent, consequent in ((a, b), (b, a)):
            with_antecedent, with_consequent = item_counts.get(antecedent, 0), item_counts.get(consequent, 0)
            if not with_antecedent or not with_consequent:
                continue
            confidence = together / with_antecedent
            rules.append(
                Rule(
                    antecedent=antecedent,
                    consequent=consequent,
                    together=together,
                    support=together / baskets,
                    confidence=confidence,
                    lift=confidence / (with_consequent / baskets),
                )
            )
    rules.sort(key=lambda r: (-r.lift, -r.together, str(r.antecedent), str(r.consequent)))
    return rules
