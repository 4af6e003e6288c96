"""Synthetic card payments with labelled fraud, for training and benchmarking the fraud model.

The design follows the transaction generator of Le Borgne et al., *Reproducible Machine
Learning for Credit Card Fraud Detection - Practical Handbook* (chapter 3), vectorised with
numpy so that 6 months x 5,000 customers (about 1.8 million payments) take seconds:

* customers live at (x, y) on a 100 x 100 grid, with a mean amount ~ U(5, 100), an amount
  standard deviation of half that mean, and a mean number of payments per day ~ U(0, 4);
* terminals (here: merchants) sit at uniform (x, y); a customer only pays at merchants within
  ``radius`` of home (customers with none in reach make no payments, as in the handbook);
* payments per customer per day ~ Poisson(mean per day); the second of the day ~ N(midday,
  20,000 s), draws outside the day are dropped; amounts ~ N(mean, std), a negative draw is
  replaced by U(0, 2 x mean), rounded to cents;
* fraud scenario 1 ``high_amount``: every amount above 220 is fraud;
* scenario 2 ``compromised_terminal``: each day 2 random merchants are compromised and all
  their payments during the next 28 days are fraud;
* scenario 3 ``compromised_customer``: each day 3 random customers are compromised; during
  the next 14 days each of their payments is, with probability 1/3 (the handbook takes exactly
  a third), multiplied by 5 and fraud. Like the handbook, later scenarios overwrite the label
  of earlier ones.

Two e-commerce scenarios are added on top, each a Poisson number of incidents per day:

* ``card_testing``: a fraudster holding a stolen card fires a burst of 8-30 tiny payments
  (0.50-5.00, half of them whole amounts) a few seconds to a minute apart, across random
  merchants anywhere on the grid, from one unknown device and foreign IP;
* ``account_takeover``: a fraudster logs into a customer's account from a new device in a
  new country and makes 2-6 payments over the next 2 days, with amounts of 2-6 x the
  customer's mean, using the customer's own card.

Assumptions the handbook leaves open, made here:

* the grid is a ~1,000 km square in one home country (``home_country``): one grid unit is
  0.09 degrees of latitude and 0.12 of longitude from ``origin``; a payment is geolocated at
  its merchant, as the handbook's customer travels to the terminal;
* every customer has 1-2 cards and 1-2 devices and one home IP; 1% of genuine payments come
  from a fresh device, and 0.5% are made while travelling abroad (foreign IP and
  geolocation), so that "new device" and "new country" are signals, not giveaways;
* ``country`` is the country of the payment's IP (what a gateway reports); the billing
  country is the customer's ``country`` in the customers frame, as on ``Customer.country``;
* timestamps are UTC, starting at ``start`` midnight; the currency is USD throughout;
* ids are strings (``C00042``, ``M00017``, ``K...`` cards, ``D...`` devices) so the frame can
  be written as the transactions CSV import unchanged; IPs are random public-looking IPv4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

TRANSACTION_COLUMNS = [
    "transaction_id",
    "timestamp",
    "customer_id",
    "merchant_id",
    "card_id",
    "device_id",
    "ip_address",
    "country",
    "latitude",
    "longitude",
    "amount",
    "currency",
    "merchant_category",
    "is_fraud",
]
SCENARIO_COLUMN = "fraud_scenario"

GENUINE = "genuine"
HIGH_AMOUNT = "high_amount"
COMPROMISED_TERMINAL = "compromised_terminal"
COMPROMISED_CUSTOMER = "compromised_customer"
CARD_TESTING = "card_testing"
ACCOUNT_TAKEOVER = "account_takeover"

MERCHANT_CATEGORIES = (
    "mugs",
    "apparel",
    "prints_posters",
    "jewellery",
    "stationery",
    "home_decor",
    "phone_cases",
    "gifts",
)
# (code, latitude, longitude) of the countries fraudsters and travellers appear from.
FOREIGN_COUNTRIES = (
    ("GB", 51.5, -0.1),
    ("NG", 6.5, 3.4),
    ("RU", 55.8, 37.6),
    ("BR", -23.5, -46.6),
    ("IN", 19.1, 72.9),
    ("RO", 44.4, 26.1),
    ("VN", 10.8, 106.7),
    ("FR", 48.9, 2.35),
)
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class SimulationConfig:
    n_customers: int = 5_000
    n_terminals: int = 10_000
    n_days: int = 183
    start: str = "2025-01-01"
    radius: float = 5.0
    seed: int = 0
    home_country: str = "US"
    origin: tuple[float, float] = (38.0, -100.0)
    high_amount_threshold: float = 220.0
    compromised_terminals_per_day: int = 2
    terminal_compromise_days: int = 28
    compromised_customers_per_day: int = 3
    customer_compromise_days: int = 14
    card_testing_per_day: float = 1.0
    account_takeovers_per_day: float = 1.0
    new_device_rate: float = 0.01
    travel_rate: float = 0.005


@dataclass(frozen=True)
class SimulatedData:
    """The payments plus the profiles they came from (customers carry the billing country)."""

    transactions: pd.DataFrame
    customers: pd.DataFrame
    terminals: pd.DataFrame


def simulate_transactions(config: SimulationConfig = SimulationConfig()) -> SimulatedData:
    """Simulate ``config.n_days`` of payments; the same config always gives the same frames."""
    rng = np.random.default_rng(config.seed)
    customers = _customer_profiles(config, rng)
    terminals = _terminal_profiles(config, rng)
    genuine = _genuine_transactions(config, customers, terminals, rng)
    _label_handbook_scenarios(config, genuine, rng)
    parts = [
        genuine,
        _card_testing(config, customers, terminals, rng),
        _account_takeovers(config, customers, terminals, rng),
    ]
    frame = pd.DataFrame({key: np.concatenate([part[key] for part in parts]) for key in genuine})
    return SimulatedData(
        transactions=_to_transactions_frame(config, frame, customers, terminals),
        customers=_public_customers(customers),
        terminals=terminals,
    )


def _customer_profiles(config: SimulationConfig, rng: np.random.Generator) -> pd.DataFrame:
    n = config.n_customers
    mean_amount = rng.uniform(5, 100, n)
    n_cards = rng.integers(1, 3, n)
    n_devices = rng.integers(1, 3, n)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "x": rng.uniform(0, 100, n),
            "y": rng.uniform(0, 100, n),
            "mean_amount": mean_amount,
            "std_amount": mean_amount / 2,
            "mean_tx_per_day": rng.uniform(0, 4, n),
            "n_cards": n_cards,
            "n_devices": n_devices,
            "ip": _random_ips(rng, n),
            "country": config.home_country,
        }
    )


def _terminal_profiles(config: SimulationConfig, rng: np.random.Generator) -> pd.DataFrame:
    n = config.n_terminals
    return pd.DataFrame(
        {
            "merchant_id": [f"M{i:05d}" for i in range(n)],
            "x": rng.uniform(0, 100, n),
            "y": rng.uniform(0, 100, n),
            "merchant_category": rng.choice(MERCHANT_CATEGORIES, n),
        }
    )


def _random_ips(rng: np.random.Generator, n: int) -> np.ndarray:
    octets = rng.integers([11, 0, 0, 1], [223, 256, 256, 255], size=(n, 4))
    return np.array([".".join(map(str, row)) for row in octets], dtype=object)


def _genuine_transactions(
    config: SimulationConfig, customers: pd.DataFrame, terminals: pd.DataFrame, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Poisson payments per customer-day at a merchant in reach, amounts around the customer's mean."""
    tree = cKDTree(terminals[["x", "y"]].to_numpy())
    reach = tree.query_ball_point(customers[["x", "y"]].to_numpy(), r=config.radius)
    reach_len = np.array([len(r) for r in reach])
    reach_flat = np.concatenate([np.asarray(r, dtype=np.int64) for r in reach] + [np.empty(0, np.int64)])
    reach_start = np.concatenate([[0], np.cumsum(reach_len)[:-1]])

    counts = rng.poisson(customers["mean_tx_per_day"].to_numpy()[:, None], size=(len(customers), config.n_days))
    counts[reach_len == 0] = 0
    customer = np.repeat(np.repeat(np.arange(len(customers)), config.n_days), counts.ravel())
    day = np.repeat(np.tile(np.arange(config.n_days), len(customers)), counts.ravel())

    second = np.rint(rng.normal(SECONDS_PER_DAY / 2, 20_000, customer.size))
    keep = (second >= 0) & (second < SECONDS_PER_DAY)
    customer, day, second = customer[keep], day[keep], second[keep]
    n = customer.size

    mean = customers["mean_amount"].to_numpy()[customer]
    amount = rng.normal(mean, customers["std_amount"].to_numpy()[customer])
    negative = amount < 0
    amount[negative] = rng.uniform(0, 2 * mean[negative])
    terminal = reach_flat[reach_start[customer] + (rng.random(n) * reach_len[customer]).astype(np.int64)]

    card_slot = (rng.random(n) * customers["n_cards"].to_numpy()[customer]).astype(np.int64)
    device_slot = (rng.random(n) * customers["n_devices"].to_numpy()[customer]).astype(np.int64)
    device = _slot_ids("D", len(customers))[customer, device_slot]
    fresh_device = rng.random(n) < config.new_device_rate
    device[fresh_device] = _fresh_ids(rng, "D", int(fresh_device.sum()))

    ip = customers["ip"].to_numpy()[customer].copy()
    country = np.full(n, config.home_country, dtype=object)
    latitude, longitude = _grid_to_geo(config, terminals["x"].to_numpy()[terminal], terminals["y"].to_numpy()[terminal])
    travelling = rng.random(n) < config.travel_rate
    _move_abroad(rng, travelling, ip, country, latitude, longitude)
    return {
        "time": day * SECONDS_PER_DAY + second,
        "customer": customer,
        "terminal": terminal,
        "card": _slot_ids("K", len(customers))[customer, card_slot],
        "device": device,
        "ip": ip,
        "country": country,
        "latitude": latitude,
        "longitude": longitude,
        "amount": np.round(amount, 2),
        "scenario": np.full(n, GENUINE, dtype=object),
    }


def _label_handbook_scenarios(config: SimulationConfig, tx: dict[str, np.ndarray], rng: np.random.Generator) -> None:
    """Scenarios 1-3 of the handbook, in its order (later ones overwrite the label)."""
    tx["scenario"][tx["amount"] > config.high_amount_threshold] = HIGH_AMOUNT
    day = (tx["time"] // SECONDS_PER_DAY).astype(np.int64)

    terminal_hit = _compromise_windows(
        rng, config.n_terminals, config.n_days, config.compromised_terminals_per_day, config.terminal_compromise_days
    )
    tx["scenario"][terminal_hit[tx["terminal"], day]] = COMPROMISED_TERMINAL

    customer_hit = _compromise_windows(
        rng,
        config.n_customers,
        config.n_days,
        config.compromised_customers_per_day,
        config.customer_compromise_days,
    )
    stolen = customer_hit[tx["customer"], day] & (rng.random(day.size) < 1 / 3)
    tx["amount"][stolen] = np.round(tx["amount"][stolen] * 5, 2)
    tx["scenario"][stolen] = COMPROMISED_CUSTOMER


def _compromise_windows(rng: np.random.Generator, n_entities: int, n_days: int, per_day: int, duration: int) -> np.ndarray:
    """(entity, day) -> compromised, for ``per_day`` entities drawn each day, each for ``duration`` days."""
    picked = np.stack([rng.choice(n_entities, size=min(per_day, n_entities), replace=False) for _ in range(n_days)])
    delta = np.zeros((n_entities, n_days + duration + 1), dtype=np.int32)
    starts = np.repeat(np.arange(n_days), picked.shape[1])
    np.add.at(delta, (picked.ravel(), starts), 1)
    np.add.at(delta, (picked.ravel(), starts + duration), -1)
    return np.cumsum(delta, axis=1)[:, :n_days] > 0


def _card_testing(
    config: SimulationConfig, customers: pd.DataFrame, terminals: pd.DataFrame, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    n_bursts = rng.poisson(config.card_testing_per_day * config.n_days)
    sizes = rng.integers(8, 31, n_bursts)
    burst = np.repeat(np.arange(n_bursts), sizes)
    victim = rng.integers(0, len(customers), n_bursts)
    start = rng.uniform(0, config.n_days * SECONDS_PER_DAY - 3_600, n_bursts)
    gaps = rng.uniform(3, 60, burst.size)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first] - gaps[first], sizes)
    n = burst.size
    cents = np.where(rng.random(n) < 0.5, rng.integers(1, 6, n) * 100, rng.integers(50, 501, n))
    terminal = rng.integers(0, len(terminals), n)
    card_slot = (rng.random(n_bursts) * customers["n_cards"].to_numpy()[victim]).astype(np.int64)
    foreign = rng.integers(0, len(FOREIGN_COUNTRIES), n_bursts)
    lat, lon = _grid_to_geo(config, terminals["x"].to_numpy()[terminal], terminals["y"].to_numpy()[terminal])
    return {
        "time": np.floor(start[burst] + offset),
        "customer": victim[burst],
        "terminal": terminal,
        "card": _slot_ids("K", len(customers))[victim, card_slot][burst],
        "device": _fresh_ids(rng, "D", n_bursts)[burst],
        "ip": _random_ips(rng, n_bursts)[burst],
        "country": np.array([FOREIGN_COUNTRIES[f][0] for f in foreign], dtype=object)[burst],
        "latitude": lat,
        "longitude": lon,
        "amount": cents / 100,
        "scenario": np.full(n, CARD_TESTING, dtype=object),
    }


def _account_takeovers(
    config: SimulationConfig, customers: pd.DataFrame, terminals: pd.DataFrame, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    n_takeovers = rng.poisson(config.account_takeovers_per_day * config.n_days)
    sizes = rng.integers(2, 7, n_takeovers)
    takeover = np.repeat(np.arange(n_takeovers), sizes)
    victim = rng.integers(0, len(customers), n_takeovers)
    start = rng.uniform(0, (config.n_days - 2) * SECONDS_PER_DAY, n_takeovers)
    n = takeover.size
    foreign = rng.integers(0, len(FOREIGN_COUNTRIES), n_takeovers)
    lat = np.array([FOREIGN_COUNTRIES[f][1] for f in foreign])[takeover] + rng.normal(0, 0.05, n)
    lon = np.array([FOREIGN_COUNTRIES[f][2] for f in foreign])[takeover] + rng.normal(0, 0.05, n)
    card_slot = (rng.random(n_takeovers) * customers["n_cards"].to_numpy()[victim]).astype(np.int64)
    mean = customers["mean_amount"].to_numpy()[victim[takeover]]
    return {
        "time": np.floor(start[takeover] + rng.uniform(0, 2 * SECONDS_PER_DAY, n)),
        "customer": victim[takeover],
        "terminal": rng.integers(0, len(terminals), n),
        "card": _slot_ids("K", len(customers))[victim, card_slot][takeover],
        "device": _fresh_ids(rng, "D", n_takeovers)[takeover],
        "ip": _random_ips(rng, n_takeovers)[takeover],
        "country": np.array([FOREIGN_COUNTRIES[f][0] for f in foreign], dtype=object)[takeover],
        "latitude": lat,
        "longitude": lon,
        "amount": np.round(mean * rng.uniform(2, 6, n), 2),
        "scenario": np.full(n, ACCOUNT_TAKEOVER, dtype=object),
    }


def _move_abroad(
    rng: np.random.Generator,
    mask: np.ndarray,
    ip: np.ndarray,
    country: np.ndarray,
    latitude: np.ndarray,
    longitude: np.ndarray,
) -> None:
    """Genuine payments made while travelling: foreign IP and geolocation, same card."""
    n = int(mask.sum())
    where = rng.integers(0, len(FOREIGN_COUNTRIES), n)
    ip[mask] = _random_ips(rng, n)
    country[mask] = [FOREIGN_COUNTRIES[w][0] for w in where]
    latitude[mask] = [FOREIGN_COUNTRIES[w][1] for w in where]
    longitude[mask] = [FOREIGN_COUNTRIES[w][2] for w in where]


def _slot_ids(prefix: str, n_customers: int) -> np.ndarray:
    """(customer, slot) -> id of that customer's card or device number ``slot`` (at most 2 each)."""
    return np.array([[f"{prefix}{c:05d}-{s}" for s in range(2)] for c in range(n_customers)], dtype=object)


def _fresh_ids(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    return np.array([f"{prefix}X{v:012x}" for v in rng.integers(0, 2**48, n)], dtype=object)


def _grid_to_geo(config: SimulationConfig, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat0, lon0 = config.origin
    return lat0 + y * 0.09, lon0 + x * 0.12


def _to_transactions_frame(
    config: SimulationConfig,
    tx: pd.DataFrame,
    customers: pd.DataFrame,
    terminals: pd.DataFrame,
) -> pd.DataFrame:
    tx = tx.sort_values("time", kind="stable").reset_index(drop=True)
    start = pd.Timestamp(config.start, tz="UTC")
    frame = pd.DataFrame(
        {
            "transaction_id": pd.Series(np.arange(len(tx))).map(f"T{config.seed:03d}{{:09d}}".format).to_numpy(),
            "timestamp": start + pd.to_timedelta(tx["time"].to_numpy(), unit="s"),
            "customer_id": customers["customer_id"].to_numpy()[tx["customer"].to_numpy()],
            "merchant_id": terminals["merchant_id"].to_numpy()[tx["terminal"].to_numpy()],
            "card_id": tx["card"].to_numpy(),
            "device_id": tx["device"].to_numpy(),
            "ip_address": tx["ip"].to_numpy(),
            "country": tx["country"].to_numpy(),
            "latitude": tx["latitude"].round(5).to_numpy(),
            "longitude": tx["longitude"].round(5).to_numpy(),
            "amount": tx["amount"].to_numpy(),
            "currency": "USD",
            "merchant_category": terminals["merchant_category"].to_numpy()[tx["terminal"].to_numpy()],
            "is_fraud": (tx["scenario"] != GENUINE).to_numpy(),
            SCENARIO_COLUMN: tx["scenario"].to_numpy(),
        }
    )
    return frame


def _public_customers(customers: pd.DataFrame) -> pd.DataFrame:
    return customers[["customer_id", "country", "x", "y", "mean_amount", "std_amount", "mean_tx_per_day"]].copy()
