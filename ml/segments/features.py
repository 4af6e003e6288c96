"""Per-customer behaviour features from plain order, item, event and review frames.

Input frames (one scope: a merchant's rows, or every merchant's):
    orders   customer_id, order_id, placed_at (tz-aware), total
    items    order_id, product_id, title, category, quantity, unit_price, list_price
    events   customer_id, session_id, type  (storefront events; may be empty)
    reviews  customer_id, rating            (may be empty)

Review sentiment is the rating mapped to -1..+1 ((rating - 3) / 2): the one sentiment signal every
review carries. Discount use is the share of items bought below the product's list price.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_CATEGORY_FEATURES = 8
"""Category-share columns kept: the scope's most bought categories (the rest only count in the total)."""
HOLIDAY_MONTHS = (11, 12)
BASE_FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "aov",
    "browsing_depth",
    "cart_abandonment",
    "discount_share",
    "review_sentiment",
    "holiday_share",
)
LOG_FEATURES = frozenset({"recency_days", "frequency", "monetary", "aov", "browsing_depth"})
"""Heavy-tailed counts and money: clustered on log1p so a few big customers do not own the scale."""
CATEGORY_PREFIX = "cat:"


def customer_features(
    *, orders: pd.DataFrame, items: pd.DataFrame, events: pd.DataFrame, reviews: pd.DataFrame, now: pd.Timestamp
) -> pd.DataFrame:
    """One row per customer with at least one order, indexed by customer_id."""
    if orders.empty:
        return pd.DataFrame(columns=list(BASE_FEATURES)).rename_axis("customer_id")
    per_customer = orders.groupby("customer_id")
    frame = pd.DataFrame(
        {
            "recency_days": (now - per_customer["placed_at"].max()).dt.total_seconds() / 86400.0,
            "frequency": per_customer["order_id"].nunique().astype(float),
            "monetary": per_customer["total"].sum().astype(float),
        }
    )
    frame["aov"] = frame["monetary"] / frame["frequency"]
    months = orders["placed_at"].dt.month.isin(HOLIDAY_MONTHS)
    frame["holiday_share"] = months.groupby(orders["customer_id"]).mean()
    frame = frame.join(_browsing(events), how="left").join(_sentiment(reviews), how="left")
    lines = items.merge(orders[["order_id", "customer_id"]], on="order_id", how="inner")
    frame = frame.join(_discounts(lines), how="left").join(category_shares(lines), how="left")
    frame = frame.fillna(0.0)
    frame["recency_days"] = frame["recency_days"].clip(lower=0.0)
    frame.index.name = "customer_id"
    return frame


def _browsing(events: pd.DataFrame) -> pd.DataFrame:
    columns = ["browsing_depth", "cart_abandonment"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    sessions = (
        events.assign(view=events["type"].eq("view"), cart=events["type"].eq("add_to_cart"), bought=events["type"].eq("purchase"))
        .groupby(["customer_id", "session_id"])[["view", "cart", "bought"]]
        .agg({"view": "sum", "cart": "any", "bought": "any"})
    )
    per_customer = sessions.groupby(level="customer_id")
    carted = sessions[sessions["cart"]]
    abandoned = (~carted["bought"]).groupby(level="customer_id").mean()
    return pd.DataFrame({"browsing_depth": per_customer["view"].mean(), "cart_abandonment": abandoned})


def _sentiment(reviews: pd.DataFrame) -> pd.DataFrame:
    if reviews.empty:
        return pd.DataFrame(columns=["review_sentiment"])
    scores = (reviews["rating"].astype(float) - 3.0) / 2.0
    return scores.groupby(reviews["customer_id"]).mean().to_frame("review_sentiment")


def _discounts(lines: pd.DataFrame) -> pd.DataFrame:
    if lines.empty:
        return pd.DataFrame(columns=["discount_share"])
    below = (lines["unit_price"].astype(float) < lines["list_price"].astype(float) * 0.995) & lines["list_price"].notna()
    return below.groupby(lines["customer_id"]).mean().to_frame("discount_share")


def category_shares(lines: pd.DataFrame) -> pd.DataFrame:
    """Share of each customer's items in the scope's most bought categories (`cat:<name>` columns)."""
    if lines.empty:
        return pd.DataFrame()
    quantity = lines["quantity"].astype(float)
    category = lines["category"].fillna("Uncategorised")
    top = quantity.groupby(category).sum().sort_values(ascending=False).head(MAX_CATEGORY_FEATURES).index
    table = quantity.groupby([lines["customer_id"], category]).sum().unstack(fill_value=0.0)
    shares = table.div(table.sum(axis=1), axis=0)[list(top)]
    return shares.rename(columns=lambda name: f"{CATEGORY_PREFIX}{name}")


def clustering_matrix(features: pd.DataFrame, columns: list[str] | None = None) -> tuple[np.ndarray, list[str]]:
    """The columns clustering reads, heavy tails logged. `columns` fixes the order (a stored segmentation's)."""
    if columns is None:
        columns = [c for c in features.columns if c in BASE_FEATURES or c.startswith(CATEGORY_PREFIX)]
    names = columns
    matrix = features.reindex(columns=names, fill_value=0.0).astype(float).copy()
    for name in names:
        if name in LOG_FEATURES:
            matrix[name] = np.log1p(matrix[name].clip(lower=0.0))
    return matrix.to_numpy(), names
