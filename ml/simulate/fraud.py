"""Fraud mixed into the genuine traffic, about 1.5% of payments, in four labelled patterns.

* card_testing: a stolen card is tried with many tiny amounts within minutes, from an unknown
  device abroad, without an order;
* stolen_card: a fresh card buys expensive goods in the small hours (local time), later
  charged back;
* account_takeover: a genuine customer's account, with its saved card, suddenly orders
  expensive goods from a new device in another country, later charged back;
* collusion_ring: a handful of accounts sharing two devices and two cards buy again and again
  from one seller (and praise it in reviews) to inflate its sales and ratings.

Every pattern appears at least once, so even a tiny simulation has each kind to learn from.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml.simulate.config import SimulationConfig
from ml.simulate.geography import COUNTRY_CODES, UTC_OFFSET_HOURS, other_countries, sample_ips, sample_locations
from ml.simulate.ids import random_hex_ids
from ml.simulate.orders import DAY
from ml.simulate.payments import label
from ml.simulate.shoppers import ARCHETYPE_INDEX

FRAUD_SHARE = 0.015
# Share of fraudulent payments per pattern, and how many payments one incident makes on average.
PATTERNS = {
    "card_testing": (0.35, 11.0),
    "stolen_card": (0.25, 1.5),
    "account_takeover": (0.20, 1.5),
    "collusion_ring": (0.20, 14.0),
}


@dataclass
class FraudPlan:
    """headers: fraudulent order headers plus the payment context (card, device, IP, place);
    lines: their order lines; card_tests: payments that never became orders."""

    headers: pd.DataFrame
    lines: pd.DataFrame
    card_tests: pd.DataFrame


@dataclass
class _Plan:
    config: SimulationConfig
    rng: np.random.Generator
    customers: pd.DataFrame
    products: pd.DataFrame
    next_order: int
    headers: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    tests: list[dict] = field(default_factory=list)

    @property
    def horizon(self) -> float:
        return self.config.days * DAY - 3600

    def place(self, country: int) -> dict:
        lat, lon = sample_locations(self.rng, np.array([country]))
        return {"ip_address": sample_ips(self.rng, np.array([country]))[0], "country": COUNTRY_CODES[country],
                "latitude": float(lat[0]), "longitude": float(lon[0])}

    def new_id(self, prefix: str) -> str:
        return str(random_hex_ids(self.rng, prefix, 1)[0])

    def order(self, *, pattern: str, customer: int, merchant: int, at: float, context: dict, dear: bool) -> None:
        catalog = self.products[self.products["merchant"] == merchant]
        if dear:
            catalog = catalog[catalog["price"] >= catalog["price"].quantile(0.66)]
        key = self.next_order
        self.next_order += 1
        self.headers.append({"order": key, "customer": customer, "merchant": merchant, "placed_s": at,
                             "fraud_pattern": pattern, "session": -1, **context})
        for product in self.rng.choice(catalog["product"].to_numpy(), size=int(self.rng.integers(1, 3))):
            self.lines.append({"order": key, "product": int(product), "quantity": int(self.rng.integers(1, 4 if dear else 3))})


def _incidents(genuine_payments: int, pattern: str) -> int:
    share, per_incident = PATTERNS[pattern]
    fraud_payments = genuine_payments * FRAUD_SHARE / (1 - FRAUD_SHARE)
    return max(1, round(fraud_payments * share / per_incident))


def _fraudsters(customers: pd.DataFrame) -> np.ndarray:
    """Accounts fraudsters control; tiny simulations fall back to one-time visitors."""
    for archetype in ("fraudster", "one_time_visitor"):
        pool = customers.loc[customers["archetype_index"] == ARCHETYPE_INDEX[archetype], "customer"].to_numpy()
        if len(pool):
            return pool
    return customers["customer"].to_numpy()


def _card_testing(plan: _Plan, accounts: np.ndarray, merchant_weights: np.ndarray, incidents: int) -> None:
    rng = plan.rng
    for _ in range(incidents):
        customer = int(rng.choice(accounts))
        context = {"card_fingerprint": plan.new_id("fp_"), "device_id": plan.new_id("dev-"),
                   **plan.place(int(other_countries(rng, plan.customers["country_index"].to_numpy()[[customer]])[0]))}
        merchant = int(rng.choice(len(merchant_weights), p=merchant_weights))
        attempts = int(rng.integers(6, 17))
        times = rng.uniform(0, plan.horizon) + np.cumsum(3 + rng.exponential(15, size=attempts))
        amounts = np.where(rng.random(attempts) < 0.3, rng.integers(1, 4, size=attempts),
                           np.round(rng.uniform(0.5, 3.0, size=attempts), 2))
        for at, amount in zip(times, amounts, strict=True):
            plan.tests.append({"order": -1, "customer": customer, "merchant": merchant, "amount": float(amount),
                               "currency": "USD", "t": round(float(at), 3), "fraud_pattern": "card_testing",
                               **context})


def _stolen_cards(plan: _Plan, accounts: np.ndarray, merchant_weights: np.ndarray, incidents: int) -> None:
    rng = plan.rng
    customers = plan.customers
    for _ in range(incidents):
        customer = int(rng.choice(accounts))
        home = int(customers["country_index"].iloc[customer])
        row = customers.iloc[customer]
        context = {"card_fingerprint": plan.new_id("fp_"), "device_id": row["device_id"],
                   "ip_address": row["ip_address"], "country": row["country"],
                   "latitude": row["latitude"], "longitude": row["longitude"]}
        local_night = (int(rng.integers(0, plan.config.days)) * 24 + rng.uniform(1, 5) - UTC_OFFSET_HOURS[home]) * 3600
        at = float(np.clip(local_night, 0, plan.horizon))
        merchant = int(rng.choice(len(merchant_weights), p=merchant_weights))
        for _ in range(int(rng.integers(1, 3))):
            plan.order(pattern="stolen_card", customer=customer, merchant=merchant, at=round(at, 3),
                       context=context, dear=True)
            at = min(at + rng.uniform(600, 3600), plan.horizon)


def _account_takeovers(plan: _Plan, genuine_orders: pd.DataFrame, merchant_weights: np.ndarray, incidents: int) -> None:
    rng = plan.rng
    customers = plan.customers
    # Victims are shoppers with a purchase history; a run without any orders falls back to anyone.
    shoppers = genuine_orders.groupby("customer")["placed_s"].min()
    if shoppers.empty:
        shoppers = pd.Series(0.0, index=customers["customer"].to_numpy())
    for _ in range(incidents):
        victim = int(rng.choice(shoppers.index.to_numpy()))
        row = customers.iloc[victim]
        after = float(shoppers.loc[victim]) + rng.uniform(1, 20) * DAY
        at = after if after < plan.horizon else rng.uniform(0, plan.horizon)
        abroad = int(other_countries(rng, np.array([int(row["country_index"])]))[0])
        context = {"card_fingerprint": row["card_fingerprint"], "device_id": plan.new_id("dev-"), **plan.place(abroad)}
        for _ in range(int(rng.integers(1, 3))):
            merchant = int(rng.choice(len(merchant_weights), p=merchant_weights))
            plan.order(pattern="account_takeover", customer=victim, merchant=merchant, at=round(at, 3),
                       context=context, dear=True)
            at = min(at + rng.uniform(300, 5400), plan.horizon)


def _collusion_rings(plan: _Plan, accounts: np.ndarray, merchant_weights: np.ndarray, incidents: int) -> None:
    rng = plan.rng
    for _ in range(incidents):
        merchant = int(rng.choice(len(merchant_weights), p=merchant_weights))
        members = rng.choice(accounts, size=int(rng.integers(3, 6)), replace=len(accounts) < 5)
        country = int(plan.customers["country_index"].iloc[int(members[0])])
        cards = [plan.new_id("fp_") for _ in range(2)]
        devices = [plan.new_id("dev-") for _ in range(2)]
        places = [plan.place(country) for _ in range(2)]
        for member in members:
            for at in np.sort(rng.uniform(0, plan.horizon, size=int(rng.integers(2, 6)))):
                pick = int(rng.integers(0, 2))
                context = {"card_fingerprint": cards[pick], "device_id": devices[pick], **places[pick]}
                plan.order(pattern="collusion_ring", customer=int(member), merchant=merchant, at=round(float(at), 3),
                           context=context, dear=False)


def plan_fraud(
    config: SimulationConfig,
    customers: pd.DataFrame,
    products: pd.DataFrame,
    merchants: pd.DataFrame,
    genuine_orders: pd.DataFrame,
    genuine_payments: int,
    first_order: int,
) -> FraudPlan:
    """Fraudulent orders (keys from `first_order`) and card tests sized to ~1.5% of all payments."""
    plan = _Plan(config=config, rng=config.rng("fraud"), customers=customers, products=products, next_order=first_order)
    accounts = _fraudsters(customers)
    weights = merchants["size"].to_numpy() / merchants["size"].sum()
    _card_testing(plan, accounts, weights, _incidents(genuine_payments, "card_testing"))
    _stolen_cards(plan, accounts, weights, _incidents(genuine_payments, "stolen_card"))
    _account_takeovers(plan, genuine_orders, weights, _incidents(genuine_payments, "account_takeover"))
    _collusion_rings(plan, accounts, weights, _incidents(genuine_payments, "collusion_ring"))
    card_tests = pd.DataFrame(plan.tests)
    card_tests["merchant_category"] = merchants["merchant_category"].to_numpy()[card_tests["merchant"].to_numpy()]
    return FraudPlan(headers=pd.DataFrame(plan.headers), lines=pd.DataFrame(plan.lines), card_tests=label(card_tests))
