"""What shoppers did after searching: per (storefront, query, product) engagement counts.

An event belongs to the search before it in the same session (until the next search, and at
most ATTRIBUTION_WINDOW after it): the views/clicks, add-to-carts and purchases that follow a
search are the shopper's verdict on that query's results. Engagement weighs those actions by
how much intent they show (ENGAGEMENT_WEIGHTS).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ml.search.text import normalise_query

ATTRIBUTION_WINDOW = pd.Timedelta(minutes=30)
ENGAGEMENT_WEIGHTS = {"view": 1.0, "click": 1.0, "add_to_cart": 3.0, "purchase": 5.0}
ENGAGED_TYPES = tuple(ENGAGEMENT_WEIGHTS)
EVENT_COLUMNS = ["session_id", "merchant_id", "type", "product_id", "query", "timestamp"]


def _ordered(events: pd.DataFrame) -> pd.DataFrame:
    """Session events in time order, each labelled with the search before it (search_id: that row's position)."""
    frame = events[events["session_id"].astype(bool)].copy()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame = frame.sort_values(["session_id", "timestamp"], kind="stable").reset_index(drop=True)
    is_search = frame["type"] == "search"
    frame["is_search"] = is_search
    frame["search_id"] = pd.Series(np.arange(len(frame)), dtype="float").where(is_search).groupby(frame["session_id"]).ffill()
    frame["search_time"] = frame["timestamp"].where(is_search).groupby(frame["session_id"]).ffill()
    frame["search_query"] = frame["query"].where(is_search).groupby(frame["session_id"]).ffill().fillna("")
    frame["search_query"] = frame["search_query"].map(normalise_query)
    return frame


def attribute_to_searches(events: pd.DataFrame) -> pd.DataFrame:
    """Each engaged event after a search in its session, labelled with that search.

    `events` columns: EVENT_COLUMNS. Returns columns merchant_id, query, search_id, product_id,
    type, timestamp.
    """
    frame = _ordered(events)
    engaged = frame[
        ~frame["is_search"]
        & frame["search_id"].notna()
        & frame["type"].isin(ENGAGED_TYPES)
        & frame["product_id"].notna()
        & (frame["timestamp"] - frame["search_time"] <= ATTRIBUTION_WINDOW)
        & (frame["search_query"] != "")
    ].copy()
    engaged["query"] = engaged["search_query"]
    engaged["search_id"] = engaged["search_id"].astype(np.int64)
    engaged["product_id"] = engaged["product_id"].astype(np.int64)
    return engaged[["merchant_id", "query", "search_id", "product_id", "type", "timestamp"]].reset_index(drop=True)


def query_product_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per (merchant_id, query, product_id): clicks, add_to_carts, purchases and weighted engagement."""
    engaged = attribute_to_searches(events)
    engaged["clicks"] = engaged["type"].isin(["view", "click"]).astype(int)
    engaged["add_to_carts"] = (engaged["type"] == "add_to_cart").astype(int)
    engaged["purchases"] = (engaged["type"] == "purchase").astype(int)
    engaged["engagement"] = engaged["type"].map(ENGAGEMENT_WEIGHTS).astype(float)
    keys = ["merchant_id", "query", "product_id"]
    grouped = engaged.groupby(keys, dropna=False)[["clicks", "add_to_carts", "purchases", "engagement"]].sum()
    return grouped.reset_index()


def query_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Per (merchant_id, query): searches, and how many of them were followed by a click / a purchase.

    Searches without a session id count as searches; nothing can be attributed to them.
    """
    searches = events[events["type"] == "search"].assign(query=lambda f: f["query"].map(normalise_query))
    searches = searches[searches["query"] != ""]
    engaged = attribute_to_searches(events)
    frame = _ordered(events)
    followed = frame[frame["is_search"]].assign(search_id=lambda f: f.index, query=lambda f: f["search_query"])
    followed = followed[followed["query"] != ""]
    clicked = set(engaged.loc[engaged["type"].isin(["view", "click"]), "search_id"])
    purchased = set(engaged.loc[engaged["type"] == "purchase", "search_id"])
    followed = followed.assign(
        clicked=followed["search_id"].isin(clicked).astype(int), purchased=followed["search_id"].isin(purchased).astype(int)
    )
    keys = ["merchant_id", "query"]
    counts = followed.groupby(keys, dropna=False)[["clicked", "purchased"]].sum()
    totals = searches.groupby(keys, dropna=False).size().rename("searches")
    result = pd.concat([totals, counts], axis=1).fillna(0).astype(int).reset_index()
    return result[["merchant_id", "query", "searches", "clicked", "purchased"]]
