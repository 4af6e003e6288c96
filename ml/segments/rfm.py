"""RFM scores (quintiles 1..5) and the named groups merchants already know from Shopify.

Scores are relative to the population passed in: a merchant's customers for its own
segmentation, every customer for the platform-wide one. Recency scores the days since the last
order (fewer days, higher score); frequency the number of orders; monetary the money spent.
Each score is set by the population's quintile cut-points, so equal values share a score.

Groups read a grid of R against F+M, where F+M = floor((F + M) / 2), so both frequency and
spend must be high for a high F+M (rules in docs/segments.md):

    Champions         R 4-5, F+M 4-5      Previously loyal  R 1-2, F+M 4-5
    Loyal             R 3,   F+M 4-5      At risk           R 1-2, F+M 3
    Active            R 4-5, F+M 3        Almost lost       R 2,   F+M 1-2
    New               R 5,   F+M 1        Dormant           R 1,   F+M 1-2
    Promising         R 4-5, F+M 1-2 (not New)
    Needs attention   R 3,   F+M 1-3      Prospects         no order yet
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CHAMPIONS = "Champions"
LOYAL = "Loyal"
ACTIVE = "Active"
NEEDS_ATTENTION = "Needs attention"
NEW = "New"
PROMISING = "Promising"
AT_RISK = "At risk"
PREVIOUSLY_LOYAL = "Previously loyal"
ALMOST_LOST = "Almost lost"
DORMANT = "Dormant"
PROSPECTS = "Prospects"

RFM_GROUPS: tuple[str, ...] = (
    CHAMPIONS,
    LOYAL,
    ACTIVE,
    NEW,
    PROMISING,
    NEEDS_ATTENTION,
    AT_RISK,
    PREVIOUSLY_LOYAL,
    ALMOST_LOST,
    DORMANT,
    PROSPECTS,
)
"""Every group, best to worst, then customers who have not ordered."""
AT_RISK_GROUPS = frozenset({AT_RISK, PREVIOUSLY_LOYAL, ALMOST_LOST, DORMANT})
"""Groups whose customers have stopped ordering: the churn-risk share of a segment without a CLV model."""


def rfm_group(recency: int, fm: int) -> str:
    """The named group of an R score and an F+M score (both 1..5)."""
    if not (1 <= recency <= 5 and 1 <= fm <= 5):
        raise ValueError(f"scores run 1..5, got R={recency} F+M={fm}")
    if recency >= 4:
        if fm >= 4:
            return CHAMPIONS
        if fm == 3:
            return ACTIVE
        return NEW if recency == 5 and fm == 1 else PROMISING
    if recency == 3:
        return LOYAL if fm >= 4 else NEEDS_ATTENTION
    if fm >= 4:
        return PREVIOUSLY_LOYAL
    if fm == 3:
        return AT_RISK
    return ALMOST_LOST if recency == 2 else DORMANT


QUINTILES = (0.2, 0.4, 0.6, 0.8)


def rfm_edges(customers: pd.DataFrame) -> dict[str, list[float]]:
    """The quintile cut-points of recency, frequency and money among customers with orders.

    Stored with a segmentation so a customer placed later (dynamic assignment) is scored against
    the same population as everyone else.
    """
    buyers = customers[customers["frequency"] > 0]
    if buyers.empty:
        return {"recency_days": [], "frequency": [], "monetary": []}
    return {
        name: [float(v) for v in np.quantile(buyers[name].to_numpy(float), QUINTILES)]
        for name in ("recency_days", "frequency", "monetary")
    }


def edge_scores(values: pd.Series | np.ndarray, edges: list[float], *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1..5: one plus the number of cut-points a value beats (exceeds, or for recency stays under).

    Equal values always share a score; a value tied with a cut-point does not beat it, so when
    most customers have one order, a single order scores F=1.
    """
    values = np.asarray(values, dtype=float)
    if not edges:
        return np.full(values.shape, 3, dtype="int64")
    cut = np.asarray(edges, dtype=float)
    if higher_is_better:
        return (1 + np.searchsorted(cut, values, side="left")).astype("int64")
    return (5 - np.searchsorted(cut, values, side="right")).astype("int64")


def rfm_scores(customers: pd.DataFrame, edges: dict[str, list[float]] | None = None) -> pd.DataFrame:
    """R, F, M, F+M scores and group per customer.

    `customers` has `recency_days`, `frequency` (orders) and `monetary` (money spent) per row;
    rows with no order (frequency 0) are Prospects with null scores. `edges` defaults to the
    quintiles of `customers` themselves.
    """
    edges = edges if edges is not None else rfm_edges(customers)
    out = pd.DataFrame(index=customers.index)
    buyers = customers["frequency"] > 0
    scored = customers[buyers]
    recency = edge_scores(scored["recency_days"], edges["recency_days"], higher_is_better=False)
    out["r_score"] = pd.Series(recency, index=scored.index)
    out["f_score"] = pd.Series(edge_scores(scored["frequency"], edges["frequency"]), index=scored.index)
    out["m_score"] = pd.Series(edge_scores(scored["monetary"], edges["monetary"]), index=scored.index)
    out["fm_score"] = (out["f_score"] + out["m_score"]) // 2
    out["rfm_group"] = PROSPECTS
    out.loc[buyers, "rfm_group"] = [
        rfm_group(int(r), int(fm)) for r, fm in zip(out.loc[buyers, "r_score"], out.loc[buyers, "fm_score"], strict=True)
    ]
    return out.astype({name: "Int64" for name in ("r_score", "f_score", "m_score", "fm_score")})
