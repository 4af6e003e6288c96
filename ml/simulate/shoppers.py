"""Shoppers and the behavioural archetypes that drive everything they do.

An archetype fixes how often someone visits, when (calendar profile), how deep they browse,
how far down the funnel they go, what prices they favour and how they review. Bots browse
fast and regularly and never buy; fraudsters browse a little and pay with bad cards (see fraud.py).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from faker import Faker

from ml.simulate.config import SimulationConfig
from ml.simulate.geography import COUNTRIES, COUNTRY_CODES, sample_countries, sample_ips, sample_locations
from ml.simulate.ids import random_hex_ids, sequential_ids


@dataclass(frozen=True)
class Archetype:
    name: str
    share: float
    sessions_per_month: float  # 0 = exactly one visit in the window
    calendar: str  # seasonality profile: general, gift or flat
    night_owl: bool  # bots keep no human hours
    p_search: float
    mean_views: float
    p_cart: float
    p_checkout: float  # given a cart
    p_purchase: float  # given a checkout
    p_wishlist: float  # per viewed product
    p_extra_quantity: float  # per extra unit (0..2) on a cart line
    loyalty: float  # chance a visit goes to the favourite merchant
    price_bias: float  # exponent on price when choosing what to view (<0: cheap, >0: dear)
    p_review: float  # per delivered line
    rating_shift: float
    p_marketing_opt_in: float
    signup_lag_days: float  # how long before the first visit in the window the account was opened


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype("bargain_hunter", 0.26, 1.6, "general", False, 0.6, 5.5, 0.10, 0.42, 0.50, 0.03, 0.05, 0.3, -1.2,
              0.15, -0.35, 0.6, 200),
    Archetype("gift_buyer", 0.20, 0.7, "gift", False, 0.45, 4.0, 0.14, 0.50, 0.65, 0.12, 0.35, 0.3, 0.8,
              0.08, 0.1, 0.4, 300),
    Archetype("loyal_regular", 0.10, 2.2, "general", False, 0.25, 3.0, 0.17, 0.60, 0.60, 0.05, 0.15, 0.85, 0.0,
              0.22, 0.3, 0.8, 420),
    Archetype("one_time_visitor", 0.419, 0.0, "general", False, 0.35, 2.5, 0.06, 0.38, 0.50, 0.02, 0.05, 0.2, 0.0,
              0.05, -0.1, 0.2, 0),
    Archetype("bot", 0.015, 2.0, "flat", True, 0.0, 32.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
              0.0, 0.0, 0.0, 30),
    Archetype("fraudster", 0.006, 0.8, "general", False, 0.2, 2.0, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
              0.0, 0.0, 0.0, 3),
)
ARCHETYPE_NAMES = np.array([a.name for a in ARCHETYPES])
ARCHETYPE_INDEX = {a.name: i for i, a in enumerate(ARCHETYPES)}


def archetype_column(name: str) -> np.ndarray:
    """One Archetype attribute for every archetype, indexable by archetype index."""
    return np.array([getattr(a, name) for a in ARCHETYPES])


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _name_pools(config: SimulationConfig, pool_size: int = 150) -> list[tuple[list[str], list[str]]]:
    """First and last names per country from a seeded Faker, drawn once and then sampled with numpy."""
    pools = []
    for country in COUNTRIES:
        fake = Faker(country.locale)
        fake.seed_instance(config.faker_seed(country.code))
        pools.append(([fake.first_name() for _ in range(pool_size)], [fake.last_name() for _ in range(pool_size)]))
    return pools


def customers_frame(config: SimulationConfig, merchants: pd.DataFrame) -> pd.DataFrame:
    rng = config.rng("shoppers")
    n = config.customers
    shares = archetype_column("share")
    archetype = rng.choice(len(ARCHETYPES), size=n, p=shares / shares.sum())
    country = sample_countries(rng, n)

    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    email_local = np.empty(n, dtype=object)
    domain = np.empty(n, dtype=object)
    for index, (firsts, lasts) in enumerate(_name_pools(config)):
        mask = country == index
        count = int(mask.sum())
        if not count:
            continue
        fi = rng.integers(0, len(firsts), size=count)
        si = rng.integers(0, len(lasts), size=count)
        first[mask] = np.array(firsts, dtype=object)[fi]
        last[mask] = np.array(lasts, dtype=object)[si]
        fa = np.array([_ascii(x) for x in firsts], dtype=object)[fi]
        la = np.array([_ascii(x) for x in lasts], dtype=object)[si]
        style = rng.integers(0, 3, size=count)
        suffix = rng.integers(1, 9999, size=count).astype(str).astype(object)
        initial = np.array([a[:1] for a in fa], dtype=object)
        email_local[mask] = np.select(
            [style == 0, style == 1], [fa + "." + la, fa + la + suffix], initial + la + suffix
        )
        domains = np.array(COUNTRIES[index].email_domains, dtype=object)
        domain[mask] = domains[rng.integers(0, len(domains), size=count)]

    sizes = merchants["size"].to_numpy()
    latitude, longitude = sample_locations(rng, country)
    frame = pd.DataFrame({
        "customer": np.arange(n),
        "external_id": sequential_ids("CUS-", n, 6),
        "first_name": first,
        "name": first + " " + last,
        "email": email_local + "@" + domain,
        "country_index": country,
        "country": COUNTRY_CODES[country],
        "archetype_index": archetype,
        "archetype": ARCHETYPE_NAMES[archetype],
        "favourite_merchant": rng.choice(len(merchants), size=n, p=sizes / sizes.sum()),
        "device_id": random_hex_ids(rng, "dev-", n),
        "device_kind": np.where(rng.random(n) < 0.62, "mobile", "desktop"),
        "card_fingerprint": random_hex_ids(rng, "fp_", n),
        "second_card": random_hex_ids(rng, "fp_", n),
        "ip_address": sample_ips(rng, country),
        "latitude": latitude,
        "longitude": longitude,
        "marketing_opt_in": rng.random(n) < archetype_column("p_marketing_opt_in")[archetype],
    })
    frame.loc[frame["archetype"] == "bot", "device_kind"] = "desktop"
    lag_days = rng.exponential(archetype_column("signup_lag_days")[archetype])
    # One-time visitors open an account minutes before their only visit.
    lag_seconds = np.where(lag_days > 0, lag_days * 86400, rng.uniform(60, 1800, size=n))
    frame["signup_lag"] = pd.to_timedelta(np.round(lag_seconds), unit="s")
    return frame
