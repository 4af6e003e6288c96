"""The simulator's fraud patterns: each labelled, each with the signature an analyst would look for."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ml.simulate.config import SimulationConfig
from ml.simulate.geography import COUNTRIES
from ml.simulate.marketplace import simulate

PATTERNS = {"card_testing", "stolen_card", "account_takeover", "collusion_ring"}


@pytest.fixture(scope="module")
def market():
    return simulate(SimulationConfig(end=date(2025, 6, 30), customers=1200, products=80, days=45, seed=5))


def test_every_pattern_is_present_and_labelled(market):
    payments = market.payments
    assert set(payments["fraud_pattern"]) - {""} == PATTERNS
    assert (payments["is_fraud"] == (payments["fraud_pattern"] != "")).all()
    assert set(payments.loc[payments["is_fraud"], "label_source"]) == {"chargeback", "analyst"}
    assert set(payments.loc[~payments["is_fraud"], "label_source"]) == {"import"}


def test_fraud_is_one_to_two_percent_at_scale():
    # Every pattern appears at least once, so tiny runs are fraud-heavy; the share holds from ~5,000 payments.
    payments = simulate(SimulationConfig(end=date(2025, 6, 30), customers=60_000, products=300, days=90, seed=2)).payments
    assert len(payments) > 4000
    assert 0.01 <= payments["is_fraud"].mean() <= 0.02


def test_card_testing_is_a_burst_of_tiny_amounts_on_one_card(market):
    tests = market.payments[market.payments["fraud_pattern"] == "card_testing"]
    assert tests["order"].isna().all()
    for _, burst in tests.groupby("card_fingerprint"):
        assert len(burst) >= 6
        assert (burst["amount"] < 5).all()
        assert burst["timestamp"].max() - burst["timestamp"].min() < pd.Timedelta(minutes=15)
        assert burst["customer"].nunique() == 1


def test_account_takeover_uses_the_victims_card_from_a_new_device_abroad(market):
    customers = market.customers.set_index("customer")
    takeovers = market.payments[market.payments["fraud_pattern"] == "account_takeover"]
    victims = customers.loc[takeovers["customer"]]
    assert (takeovers["card_fingerprint"].to_numpy() == victims["card_fingerprint"].to_numpy()).all()
    assert (takeovers["device_id"].to_numpy() != victims["device_id"].to_numpy()).all()
    assert (takeovers["country"].to_numpy() != victims["country"].to_numpy()).all()
    genuine = market.payments[market.payments["fraud_pattern"] == ""]
    assert takeovers["customer"].isin(genuine["customer"]).all()


def test_stolen_cards_buy_dear_goods_at_night(market):
    stolen = market.payments[market.payments["fraud_pattern"] == "stolen_card"]
    offsets = {c.code: c.utc_offset_hours for c in COUNTRIES}
    local_hour = (stolen["timestamp"].dt.hour + stolen["country"].map(offsets)) % 24
    assert local_hour.between(0, 6).all()
    genuine = market.payments[market.payments["fraud_pattern"] == ""]
    assert stolen["amount"].median() > genuine["amount"].median()
    assert not stolen["card_fingerprint"].isin(market.customers["card_fingerprint"]).any()


def test_collusion_rings_share_cards_and_devices_at_one_seller(market):
    ring = market.payments[market.payments["fraud_pattern"] == "collusion_ring"]
    assert ring["merchant"].nunique() == 1
    assert ring["customer"].nunique() >= 3
    assert ring["card_fingerprint"].nunique() <= 2 and ring["device_id"].nunique() <= 2
    ring_reviews = market.reviews[market.reviews["ring"]]
    assert (ring_reviews["rating"] == 5).all()
    assert ring_reviews["customer"].isin(ring["customer"]).all()


def test_geolocation_agrees_with_country(market):
    payments = market.payments
    for country in COUNTRIES:
        here = payments[payments["country"] == country.code]
        if here.empty:
            continue
        lat = [c[0] for c in country.cities]
        lon = [c[1] for c in country.cities]
        assert here["latitude"].between(min(lat) - 0.5, max(lat) + 0.5).all(), country.code
        assert here["longitude"].between(min(lon) - 0.5, max(lon) + 0.5).all(), country.code
