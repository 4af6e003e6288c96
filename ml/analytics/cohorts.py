"""Monthly acquisition cohorts: customers by the month of their first order, followed month by month.

`months_since` 0 is the acquisition month itself, so retention at 0 is 1 by definition. A
customer active in a month is one with at least one order in it. Repeat purchase: a customer's
second order, counted in the month it happened, so the cumulative sum is the share of the cohort
that has come back by then and the total is the cohort's repeat purchase rate.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def _month_index(stamps: pd.Series) -> pd.Series:
    return stamps.dt.year * 12 + stamps.dt.month - 1


def cohort_activity(orders: pd.DataFrame, *, keys: Sequence[str] = ()) -> pd.DataFrame:
    """Rows (*keys, cohort_month, months_since, customers, orders, revenue, repeaters).

    `orders` needs `customer`, `placed_at` (tz-aware) and `revenue`; `keys` are per-customer
    attributes (e.g. segment) to break the cohorts down by. `cohort_month` is the first day of
    the month (a date).
    """
    columns = [*keys, "cohort_month", "months_since", "customers", "orders", "revenue", "repeaters"]
    if orders.empty:
        return pd.DataFrame(columns=columns)
    frame = orders.sort_values(["customer", "placed_at"], kind="stable").copy()
    frame["month"] = _month_index(frame["placed_at"])
    frame["cohort"] = frame.groupby("customer")["month"].transform("min")
    frame["months_since"] = frame["month"] - frame["cohort"]
    frame["nth"] = frame.groupby("customer").cumcount()
    group = [*keys, "cohort", "months_since"]
    activity = frame.groupby(group, sort=True).agg(
        customers=("customer", "nunique"), orders=("customer", "size"), revenue=("revenue", "sum")
    )
    repeaters = frame[frame["nth"] == 1].groupby(group).size().rename("repeaters")
    activity = activity.join(repeaters, how="left").fillna({"repeaters": 0}).reset_index()
    activity["repeaters"] = activity["repeaters"].astype(int)
    activity["cohort_month"] = [pd.Timestamp(year=c // 12, month=c % 12 + 1, day=1).date() for c in activity["cohort"]]
    return activity[columns]


def retention_matrix(activity: pd.DataFrame) -> pd.DataFrame:
    """cohort_month x months_since: active customers as a share of the cohort's size (summing over keys)."""
    if activity.empty:
        return pd.DataFrame(dtype=float)
    counts = activity.pivot_table(index="cohort_month", columns="months_since", values="customers", aggfunc="sum")
    sizes = counts[0] if 0 in counts.columns else pd.Series(float("nan"), index=counts.index)
    return counts.div(sizes, axis=0)


def repeat_purchase_rates(activity: pd.DataFrame) -> pd.Series:
    """Per cohort month: share of its customers who ordered a second time (so far)."""
    if activity.empty:
        return pd.Series(dtype=float)
    totals = activity.groupby("cohort_month").agg(repeaters=("repeaters", "sum"))
    sizes = activity[activity["months_since"] == 0].groupby("cohort_month")["customers"].sum()
    return (totals["repeaters"] / sizes).dropna()
