"""Card payments for paid orders: which card, device, IP and place each was made from.

Genuine shoppers mostly pay from their own device and home IP with their usual card; a few
use a second card, a new phone, another IP at home or pay while abroad, so "new device" or
"foreign country" are fraud signals rather than giveaways.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ml.simulate.config import SimulationConfig
from ml.simulate.geography import COUNTRY_CODES, other_countries, sample_ips, sample_locations
from ml.simulate.ids import random_hex_ids
from ml.simulate.orders import CHARGEBACK_PATTERNS

CONTEXT_COLUMNS = ["card_fingerprint", "device_id", "ip_address", "country", "latitude", "longitude"]
_P_SECOND_CARD = 0.12
_P_NEW_DEVICE = 0.02
_P_OTHER_HOME_IP = 0.15
_P_ABROAD = 0.01
_HOME_JITTER_DEGREES = 0.03


def genuine_context(config: SimulationConfig, orders: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Card, device and network details of genuine payments for the given orders."""
    rng = config.rng("payments")
    n = len(orders)
    who = customers.iloc[orders["customer"].to_numpy()]
    home = who["country_index"].to_numpy()
    abroad = rng.random(n) < _P_ABROAD
    country = np.where(abroad, other_countries(rng, home), home)
    away_lat, away_lon = sample_locations(rng, country)
    jitter = rng.uniform(-_HOME_JITTER_DEGREES, _HOME_JITTER_DEGREES, size=(n, 2))
    other_ip = abroad | (rng.random(n) < _P_OTHER_HOME_IP)
    return pd.DataFrame({
        "card_fingerprint": np.where(rng.random(n) < _P_SECOND_CARD, who["second_card"], who["card_fingerprint"]),
        "device_id": np.where(rng.random(n) < _P_NEW_DEVICE, random_hex_ids(rng, "dev-", n), who["device_id"]),
        "ip_address": np.where(other_ip, sample_ips(rng, country), who["ip_address"]),
        "country": COUNTRY_CODES[country],
        "latitude": np.where(abroad, away_lat, np.round(who["latitude"].to_numpy() + jitter[:, 0], 4)),
        "longitude": np.where(abroad, away_lon, np.round(who["longitude"].to_numpy() + jitter[:, 1], 4)),
    }, index=orders.index)


def payments_for_orders(orders: pd.DataFrame, context: pd.DataFrame, merchants: pd.DataFrame) -> pd.DataFrame:
    """One payment per paid order, for its total, at the moment it was paid.

    `context` (aligned with `orders`) holds CONTEXT_COLUMNS; the fraud label follows the
    order's fraud pattern: chargebacks for stolen cards and takeovers, analysts for the rest.
    """
    paid = orders["paid_s"].notna().to_numpy()
    chosen = orders[paid]
    pattern = chosen["fraud_pattern"].to_numpy()
    payments = pd.DataFrame({
        "order": chosen["order"].to_numpy(),
        "customer": chosen["customer"].to_numpy(),
        "merchant": chosen["merchant"].to_numpy(),
        "amount": chosen["total"].to_numpy(),
        "currency": chosen["currency"].to_numpy(),
        "merchant_category": merchants["merchant_category"].to_numpy()[chosen["merchant"].to_numpy()],
        "t": chosen["paid_s"].to_numpy(),
        "fraud_pattern": pattern,
    })
    for column in CONTEXT_COLUMNS:
        payments[column] = context.loc[paid, column].to_numpy()
    return label(payments)


def label(payments: pd.DataFrame) -> pd.DataFrame:
    """is_fraud and label_source from the ground-truth pattern ("" = genuine)."""
    pattern = payments["fraud_pattern"].to_numpy()
    payments["is_fraud"] = pattern != ""
    payments["label_source"] = np.select(
        [pattern == "", np.isin(pattern, CHARGEBACK_PATTERNS)], ["import", "chargeback"], "analyst"
    )
    return payments
