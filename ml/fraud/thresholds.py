"""Choosing the review and decline cut-offs on a held-out window.

Decline is the automatic "no": it must be right (precision >= target), so we take the lowest
score whose flagged set still meets that precision, which declines as much fraud as that
precision allows. Review is the safety net: it must catch most fraud (recall >= target), so we
take the highest score that still reaches that recall, which keeps the analysts' queue as
short as possible. Targets that cannot be met are reported, not silently relaxed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DEFAULT_DECLINE_PRECISION = 0.95
DEFAULT_REVIEW_RECALL = 0.90
MIN_DECLINE_FRAUDS = 5
"""A decline cut-off must rest on at least this many caught frauds, not on one lucky case."""


@dataclass(frozen=True)
class ThresholdChoice:
    review: float
    decline: float | None
    """None: no cut-off reaches the decline precision, so nothing is declined automatically."""
    review_precision: float
    review_recall: float
    review_rate: float
    decline_precision: float | None
    decline_recall: float | None
    decline_rate: float | None
    targets: dict[str, float]
    notes: list[str] = field(default_factory=list)

    def decision(self, score: float) -> str:
        if self.decline is not None and score >= self.decline:
            return "decline"
        return "review" if score >= self.review else "approve"


def choose_thresholds(
    y_true,
    scores,
    *,
    decline_precision: float = DEFAULT_DECLINE_PRECISION,
    review_recall: float = DEFAULT_REVIEW_RECALL,
    min_decline_frauds: int = MIN_DECLINE_FRAUDS,
) -> ThresholdChoice:
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=float)
    if not y.any():
        raise ValueError("the threshold window holds no fraud, so no recall can be measured")
    order = np.argsort(-s, kind="stable")
    sorted_scores, sorted_y = s[order], y[order]
    # Candidate cut-offs are the distinct scores; flagging ">= cut-off" takes every row up to its last tie.
    last_of_tie = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    caught = np.cumsum(sorted_y)[last_of_tie]
    flagged = (np.arange(len(s)) + 1)[last_of_tie]
    cutoffs = sorted_scores[last_of_tie]
    precision = caught / flagged
    recall = caught / y.sum()
    notes: list[str] = []

    review_index = int(np.argmax(recall >= review_recall))
    decline_ok = np.flatnonzero((precision >= decline_precision) & (caught >= min_decline_frauds))
    decline_index = int(decline_ok[-1]) if decline_ok.size else None
    if decline_index is None:
        notes.append(
            f"decline precision >= {decline_precision:.2f} is unreachable on this window "
            f"(best with >= {min_decline_frauds} frauds: {_best_precision(precision, caught, min_decline_frauds):.3f}); "
            "nothing is declined automatically"
        )
    elif decline_index > review_index:
        notes.append("the decline cut-off already reaches the review recall: there is no review band")
        review_index = decline_index
    return ThresholdChoice(
        review=float(cutoffs[review_index]),
        decline=None if decline_index is None else float(cutoffs[decline_index]),
        review_precision=float(precision[review_index]),
        review_recall=float(recall[review_index]),
        review_rate=float(flagged[review_index] / len(s)),
        decline_precision=None if decline_index is None else float(precision[decline_index]),
        decline_recall=None if decline_index is None else float(recall[decline_index]),
        decline_rate=None if decline_index is None else float(flagged[decline_index] / len(s)),
        targets={"decline_precision": decline_precision, "review_recall": review_recall},
        notes=notes,
    )


def _best_precision(precision: np.ndarray, caught: np.ndarray, min_frauds: int) -> float:
    eligible = precision[caught >= min_frauds]
    return float(eligible.max()) if eligible.size else float("nan")
