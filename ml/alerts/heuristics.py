"""Heuristic alert labels from spending behaviour (seed 002), for when too few shoppers have
chosen alerts for their choices to teach the KNN, and as the rules used without a model.

Population-relative cut-offs (the top decile of monthly spend, of payment frequency, of the
largest payment) are computed from the population the labels are for, so they follow the
marketplace's own scale instead of fixed amounts. The absolute ones are documented here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

TOP_SHARE = 0.10
"""'High' means the top 10% of shoppers on that measure."""
MIN_DIVERSE_MERCHANTS = 3
MIN_NEW_MERCHANTS = 2
"""Two or more shops paid for the first time in the last 30 days."""
NEAR_LIMIT_UTILISATION = 0.7
"""Seed 002: credit utilisation above 70% warrants a near-limit alert."""
UNUSUAL_LOCATION_KM = 500.0


@dataclass(frozen=True)
class HeuristicThresholds:
    """The cut-offs, fixed at training (stored with the model) or computed for a population."""

    monthly_spend: float
    tx_per_month: float
    merchant_count: float
    max_amount: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def heuristic_thresholds(features: pd.DataFrame) -> HeuristicThresholds:
    """Top-decile cut-offs among shoppers who paid at all (those without payments would pull them to 0)."""
    active = features[features["tx_per_month"] > 0]
    if active.empty:
        active = features

    def top(column: str) -> float:
        return float(active[column].quantile(1 - TOP_SHARE)) if len(active) else 0.0

    return HeuristicThresholds(
        monthly_spend=top("monthly_spend"),
        tx_per_month=top("tx_per_month"),
        merchant_count=max(float(MIN_DIVERSE_MERCHANTS), top("merchant_count")),
        max_amount=top("max_amount"),
    )


def heuristic_labels(features: pd.DataFrame, thresholds: HeuristicThresholds) -> pd.DataFrame:
    """Boolean frame (customer x alert type): which alerts a shopper's behaviour calls for."""
    active = features["tx_per_month"] > 0
    labels = pd.DataFrame(
        {
            "high_spender": active & (features["monthly_spend"] >= thresholds.monthly_spend),
            "high_tx_volume": active & (features["tx_per_month"] >= thresholds.tx_per_month),
            "high_merchant_diversity": features["merchant_count"] >= thresholds.merchant_count,
            "near_credit_limit": features["limit_utilisation"] >= NEAR_LIMIT_UTILISATION,
            "large_transaction": active & (features["max_amount"] >= thresholds.max_amount),
            "new_merchant": features["new_merchants_30d"] >= MIN_NEW_MERCHANTS,
            "unusual_location": (features["country_count"] >= 2) | (features["location_spread_km"] >= UNUSUAL_LOCATION_KM),
            "subscription_monitoring": features["recurring_series"] >= 1,
        },
        index=features.index,
    )
    return labels


def heuristic_reasons(features: pd.Series, thresholds: HeuristicThresholds) -> dict[str, str]:
    """Why each heuristic label holds for one shopper, in words (only the labels that hold)."""
    reasons = {
        "high_spender": "your monthly spending is in the top 10% of shoppers",
        "high_tx_volume": "you pay more often than 90% of shoppers",
        "high_merchant_diversity": f"you paid at {int(features['merchant_count'])} different shops",
        "near_credit_limit": f"you have used {features['limit_utilisation']:.0%} of your monthly limit in 30 days",
        "large_transaction": "your largest payment is in the top 10% of shoppers' largest payments",
        "new_merchant": f"you paid at {int(features['new_merchants_30d'])} new shops in the last 30 days",
        "unusual_location": "you paid from more than one country or far from your usual place",
        "subscription_monitoring": f"we found {int(features['recurring_series'])} regular charge(s) in your payments",
    }
    labels = heuristic_labels(features.to_frame().T, thresholds).iloc[0]
    return {key: reasons[key] for key, holds in labels.items() if bool(holds)}
