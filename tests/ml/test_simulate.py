"""The demo marketplace simulator: determinism, archetype behaviour, funnels, orders and reviews."""
from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from ml.simulate.config import SimulationConfig
from ml.simulate.marketplace import simulate
from ml.simulate.review_phrases import NEGATIVE, NEGATIVE_SHORT, POSITIVE, POSITIVE_SHORT
from ml.simulate.reviews import write_review

SMALL = SimulationConfig(end=date(2025, 12, 31), customers=1500, products=120, days=60, seed=11)
POSITIVE_WORDS = {"great", "lovely", "perfect", "excellent", "love", "beautiful", "fast", "helpful", "pleased",
                  "happy", "recommend", "worth"}
NEGATIVE_WORDS = {"poor", "slow", "wrong", "damaged", "disappointed", "flimsy", "terrible", "overpriced", "blurry",
                  "never", "waste", "avoid", "scratched", "faded", "pricey", "misaligned"}


@pytest.fixture(scope="module")
def market():
    return simulate(SMALL)


def _with_archetype(frame: pd.DataFrame, market) -> pd.DataFrame:
    return frame.merge(market.customers[["customer", "archetype"]], on="customer")


def _sentiment(text: str) -> tuple[int, int]:
    words = re.findall(r"[a-z']+", text.lower())
    return sum(w in POSITIVE_WORDS for w in words), sum(w in NEGATIVE_WORDS for w in words)


def test_same_seed_gives_identical_frames(market):
    again = simulate(SMALL)
    for name, frame in vars(market).items():
        pd.testing.assert_frame_equal(frame, getattr(again, name), obj=name)


def test_another_seed_gives_other_rows(market):
    other = simulate(SimulationConfig(end=SMALL.end, customers=SMALL.customers, products=SMALL.products,
                                      days=SMALL.days, seed=SMALL.seed + 1))
    assert not market.customers["email"].equals(other.customers["email"])
    assert len(market.events) != len(other.events) or not market.events["product"].equals(other.events["product"])


def test_all_rows_fall_inside_the_window(market):
    for frame, column in ((market.events, "timestamp"), (market.orders, "placed_at"),
                          (market.payments, "timestamp"), (market.reviews, "created_at")):
        assert frame[column].min() >= SMALL.window_start
        assert frame[column].max() < SMALL.window_end
    first_event = market.events.groupby("customer")["timestamp"].min()
    assert (market.customers.set_index("customer").loc[first_event.index, "created_at"] <= first_event).all()


def test_config_refuses_impossible_sizes():
    with pytest.raises(ValueError, match="products"):
        SimulationConfig(end=SMALL.end, products=3)
    with pytest.raises(ValueError, match="customers"):
        SimulationConfig(end=SMALL.end, customers=0)


def test_event_budget_is_approximately_met():
    market = simulate(SimulationConfig(end=SMALL.end, customers=800, products=60, days=30, events=30_000))
    assert 25_500 <= len(market.events) <= 34_500


def test_events_name_products_of_their_own_merchant(market):
    with_product = market.events[market.events["product"].notna()]
    owner = market.products["merchant"].to_numpy()[with_product["product"].astype(int).to_numpy()]
    assert (owner == with_product["merchant"].to_numpy()).all()
    searches = market.events[market.events["type"] == "search"]
    assert searches["product"].isna().all() and (searches["query"] != "").all()


def test_funnel_narrows_at_every_step(market):
    reached = market.events.groupby("type")["session_id"].nunique()
    assert reached["view"] >= reached["add_to_cart"] >= reached["checkout"] >= reached["purchase"] > 0
    per_session = market.events.pivot_table(index="session_id", columns="type", aggfunc="size", fill_value=0)
    assert (per_session["view"] >= 1).all()
    assert ((per_session["checkout"] > 0) <= (per_session["add_to_cart"] > 0)).all()
    assert ((per_session["purchase"] > 0) <= (per_session["checkout"] > 0)).all()
    conversion = reached["purchase"] / market.events["session_id"].nunique()
    assert 0.02 <= conversion <= 0.04


def test_bots_browse_fast_and_never_buy(market):
    events = _with_archetype(market.events, market)
    bots = events[events["archetype"] == "bot"]
    assert len(bots) and set(bots["type"]) == {"view"}
    assert not market.orders["customer"].isin(market.customers.loc[market.customers["archetype"] == "bot", "customer"]).any()
    gaps = bots.sort_values("timestamp").groupby("session_id")["timestamp"].diff().dt.total_seconds().dropna()
    human = events[events["archetype"] != "bot"].sort_values("timestamp")
    human_gaps = human.groupby("session_id")["timestamp"].diff().dt.total_seconds().dropna()
    assert gaps.between(1.9, 2.3).all()
    assert human_gaps.median() > 10 * gaps.median()


def test_gift_buyers_spend_more_per_order(market):
    genuine = _with_archetype(market.orders[market.orders["fraud_pattern"] == ""], market)
    average = genuine.groupby("archetype")["total"].mean()
    assert average["gift_buyer"] > 1.5 * average["bargain_hunter"]


def test_gift_buyers_peak_before_christmas_and_valentines():
    year = simulate(SimulationConfig(end=date(2025, 12, 31), customers=1500, products=60, days=365, seed=3))
    sessions = _with_archetype(year.events.drop_duplicates("session_id"), year)
    key = sessions["timestamp"].dt.month * 100 + sessions["timestamp"].dt.day
    christmas = key.between(1110, 1220).groupby(sessions["archetype"]).mean()
    valentines = key.between(128, 213).groupby(sessions["archetype"]).mean()
    assert christmas["gift_buyer"] > 1.6 * christmas["loyal_regular"]
    assert valentines["gift_buyer"] > 1.5 * valentines["loyal_regular"]


def test_weekends_are_busier_than_weekdays(market):
    per_day = market.events.groupby(market.events["timestamp"].dt.date).size()
    weekday = pd.to_datetime(pd.Series(per_day.index)).dt.day_of_week.to_numpy()
    assert per_day[weekday >= 5].mean() > per_day[weekday < 5].mean()


def test_order_totals_add_up(market):
    items = market.order_items.assign(line=lambda f: f["unit_price"] * f["quantity"])
    subtotal = items.groupby("order")["line"].sum().reindex(market.orders["order"]).to_numpy()
    assert np.allclose(subtotal, market.orders["subtotal"], atol=0.011)
    orders = market.orders
    assert np.allclose(orders["subtotal"] + orders["shipping"] + orders["tax"], orders["total"], atol=0.011)
    assert orders["number"].str.fullmatch(r"ORD-\d+").all() and orders["number"].is_unique


def test_only_paid_orders_have_payments(market):
    paid = market.payments.dropna(subset=["order"])
    statuses = market.orders.set_index("order").loc[paid["order"].astype(int), "status"]
    assert "pending" not in set(statuses)
    assert set(market.orders["status"]) <= {"pending", "paid", "fulfilled", "shipped", "delivered", "cancelled", "refunded"}
    assert market.payments["transaction_id"].is_unique


def test_purchase_events_point_at_their_order(market):
    purchases = market.events[market.events["type"] == "purchase"]
    numbers = purchases["properties"].str.extract(r'"order": "(ORD-\d+)"')[0]
    assert numbers.notna().all() and numbers.isin(market.orders["number"]).all()


def test_review_text_agrees_with_rating(market):
    genuine = market.reviews[~market.reviews["ring"]]
    assert set(genuine["rating"]) >= {3, 4, 5}
    for rating, text in zip(genuine["rating"], genuine["text"], strict=True):
        positive, negative = _sentiment(text)
        if rating >= 4:
            assert positive > negative, text
        elif rating <= 2:
            assert negative > positive, text
        else:
            assert positive and negative, text
    merchant_of_product = market.products["merchant"].to_numpy()[market.reviews["product"].to_numpy()]
    assert (merchant_of_product == market.reviews["merchant"].to_numpy()).all()


def test_every_phrase_carries_its_own_sentiment():
    for bank, side in ((POSITIVE, 0), (NEGATIVE, 1)):
        for phrases in bank.values():
            for phrase in phrases:
                counts = _sentiment(phrase)
                assert counts[side] and not counts[1 - side], phrase
    for short, side in ((POSITIVE_SHORT, 0), (NEGATIVE_SHORT, 1)):
        for phrase in short.values():
            counts = _sentiment(phrase)
            assert counts[side] and not counts[1 - side], phrase


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_written_reviews_match_every_rating(rating):
    rng = np.random.default_rng(rating)
    aspects = ["price", "quality", "delivery", "customisation", "packaging", "service", "size"]
    for _ in range(60):
        title, text = write_review(rng, rating, "Mug", aspects, slow=bool(rng.random() < 0.5))
        positive, negative = _sentiment(text)
        assert title and "{noun}" not in text
        if rating >= 4:
            assert positive > negative, text
        elif rating <= 2:
            assert negative > positive, text
        else:
            assert " but " in text and positive and negative, text


def test_slow_delivery_is_the_gripe():
    rng = np.random.default_rng(0)
    _, text = write_review(rng, 3, "Print", ["price", "quality", "delivery", "packaging", "service"], slow=True)
    assert "slow delivery" in text
