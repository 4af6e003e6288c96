"""Negative share of reviews over time per group (product, category or aspect), with Bollinger alerts.

A period is flagged when its negative share rises above the upper Bollinger band of the
periods before it (ml.analytics.bollinger: trailing window, so a spike cannot hide itself).
Periods with too few reviews are not flagged: one bad review in a quiet week is not a trend.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.analytics.bollinger import bollinger_bands
from ml.text.sentiment import NEGATIVE, POSITIVE

MIN_REVIEWS_FOR_ALERT = 5


@dataclass(frozen=True)
class TrendAlert:
    group: str
    period: pd.Timestamp
    negative_share: float
    upper_band: float
    reviews: int


def sentiment_series(rows: pd.DataFrame, *, freq: str = "W-SUN") -> pd.DataFrame:
    """Per (group, period): reviews, positive, negative, and their shares.

    `rows` has columns group, timestamp (tz-aware or naive) and sentiment; periods are labelled by
    their start and every period between a group's first and last review is present (zero-filled),
    so gaps read as gaps rather than being skipped.
    """
    columns = ["group", "period", "reviews", "positive", "negative", "positive_share", "negative_share"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = rows.assign(
        period=pd.to_datetime(rows["timestamp"], utc=True).dt.tz_localize(None).dt.to_period(freq).dt.start_time,
        positive=rows["sentiment"].eq(POSITIVE).astype(int),
        negative=rows["sentiment"].eq(NEGATIVE).astype(int),
    )
    counted = frame.groupby(["group", "period"]).agg(
        reviews=("sentiment", "size"), positive=("positive", "sum"), negative=("negative", "sum")
    )
    filled = []
    for group, part in counted.groupby(level="group"):
        part = part.droplevel("group")
        periods = pd.period_range(part.index.min(), part.index.max(), freq=freq).start_time
        part = part.reindex(periods, fill_value=0)
        part.index.name = "period"
        filled.append(part.assign(group=group).reset_index())
    series = pd.concat(filled, ignore_index=True)
    reviews = series["reviews"].where(series["reviews"] > 0)
    series["positive_share"] = series["positive"] / reviews
    series["negative_share"] = series["negative"] / reviews
    return series[columns]


def negative_share_alerts(
    series: pd.DataFrame, *, window: int = 8, num_std: float = 2.0, min_reviews: int = MIN_REVIEWS_FOR_ALERT
) -> list[TrendAlert]:
    """Periods whose negative share broke above the group's trailing Bollinger band."""
    alerts: list[TrendAlert] = []
    for group, part in series.groupby("group", sort=True):
        part = part.sort_values("period")
        bands = bollinger_bands(part["negative_share"].tolist(), window=window, num_std=num_std)
        for position, flag in enumerate(bands.flags):
            row = part.iloc[position]
            if flag > 0 and row["reviews"] >= min_reviews:
                alerts.append(
                    TrendAlert(str(group), row["period"], float(row["negative_share"]), float(bands.upper[position]),
                               int(row["reviews"]))
                )
    return alerts
