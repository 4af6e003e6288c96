"""Where shoppers live: countries with their share of shoppers, Faker locale, time zone,
sales tax, address-block prefixes and cities, so a payment's IP, country and coordinates agree."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Country:
    code: str
    share: float
    locale: str
    utc_offset_hours: float
    tax_rate: float
    ip_prefixes: tuple[tuple[int, int], ...]
    cities: tuple[tuple[float, float], ...]
    email_domains: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country("US", 0.34, "en_US", -5, 0.07, ((73, 162), (98, 207), (24, 14), (174, 63)),
            ((40.71, -74.01), (34.05, -118.24), (41.88, -87.63), (29.76, -95.37), (47.61, -122.33)),
            ("gmail.com", "yahoo.com", "outlook.com", "icloud.com")),
    Country("GB", 0.22, "en_GB", 0, 0.20, ((81, 2), (86, 128), (92, 40), (31, 94)),
            ((51.51, -0.13), (53.48, -2.24), (52.49, -1.89), (55.95, -3.19), (51.45, -2.59)),
            ("gmail.com", "hotmail.co.uk", "btinternet.com", "outlook.com")),
    Country("DE", 0.09, "de_DE", 1, 0.19, ((84, 132), (91, 64), (79, 192)),
            ((52.52, 13.40), (48.14, 11.58), (53.55, 9.99), (50.94, 6.96)),
            ("gmx.de", "web.de", "gmail.com", "t-online.de")),
    Country("FR", 0.07, "fr_FR", 1, 0.20, ((82, 64), (90, 12), (176, 128)),
            ((48.86, 2.35), (45.76, 4.84), (43.30, 5.37), (43.60, 1.44)),
            ("orange.fr", "gmail.com", "free.fr", "laposte.net")),
    Country("CA", 0.08, "en_CA", -5, 0.13, ((142, 112), (99, 224), (70, 48)),
            ((43.65, -79.38), (45.50, -73.57), (49.28, -123.12), (51.05, -114.07)),
            ("gmail.com", "hotmail.ca", "rogers.com", "outlook.com")),
    Country("AU", 0.07, "en_AU", 10, 0.10, ((1, 128), (101, 160), (203, 45)),
            ((-33.87, 151.21), (-37.81, 144.96), (-27.47, 153.03), (-31.95, 115.86)),
            ("gmail.com", "bigpond.com", "outlook.com", "icloud.com")),
    Country("NL", 0.05, "nl_NL", 1, 0.21, ((77, 160), (145, 53), (83, 80)),
            ((52.37, 4.90), (51.92, 4.48), (52.09, 5.12)),
            ("gmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com")),
    Country("IE", 0.04, "en_IE", 0, 0.23, ((86, 40), (89, 100), (37, 228)),
            ((53.35, -6.26), (51.90, -8.47), (53.27, -9.05)),
            ("gmail.com", "eircom.net", "outlook.com")),
    Country("ES", 0.02, "es_ES", 1, 0.21, ((83, 32), (88, 0), (2, 136)),
            ((40.42, -3.70), (41.39, 2.17), (39.47, -0.38)),
            ("gmail.com", "hotmail.es", "telefonica.net")),
    Country("IT", 0.02, "it_IT", 1, 0.22, ((79, 0), (93, 32), (151, 24)),
            ((41.90, 12.50), (45.46, 9.19), (40.85, 14.27)),
            ("gmail.com", "libero.it", "virgilio.it")),
)
COUNTRY_CODES = np.array([c.code for c in COUNTRIES])
COUNTRY_SHARES = np.array([c.share for c in COUNTRIES]) / sum(c.share for c in COUNTRIES)
UTC_OFFSET_HOURS = np.array([c.utc_offset_hours for c in COUNTRIES])
TAX_RATES = np.array([c.tax_rate for c in COUNTRIES])

# A city's coordinates plus up to ~0.15° of jitter stays inside its country.
_CITY_JITTER_DEGREES = 0.15


def sample_countries(rng: np.random.Generator, n: int) -> np.ndarray:
    """Country indices (into COUNTRIES) for n shoppers."""
    return rng.choice(len(COUNTRIES), size=n, p=COUNTRY_SHARES)


def other_countries(rng: np.random.Generator, home: np.ndarray) -> np.ndarray:
    """For each home country, a different country (where a hijacked account is used from)."""
    shift = rng.integers(1, len(COUNTRIES), size=len(home))
    return (home + shift) % len(COUNTRIES)


def sample_locations(rng: np.random.Generator, countries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude near a city of each given country."""
    lat = np.empty(len(countries))
    lon = np.empty(len(countries))
    for index, country in enumerate(COUNTRIES):
        mask = countries == index
        if not mask.any():
            continue
        cities = np.array(country.cities)
        picked = cities[rng.integers(0, len(cities), size=mask.sum())]
        lat[mask] = picked[:, 0]
        lon[mask] = picked[:, 1]
    jitter = rng.uniform(-_CITY_JITTER_DEGREES, _CITY_JITTER_DEGREES, size=(len(countries), 2))
    return np.round(lat + jitter[:, 0], 4), np.round(lon + jitter[:, 1], 4)


def sample_ips(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """IPv4 addresses inside an address block typical of each given country."""
    first = np.empty(len(countries), dtype=np.int64)
    second = np.empty(len(countries), dtype=np.int64)
    for index, country in enumerate(COUNTRIES):
        mask = countries == index
        if not mask.any():
            continue
        prefixes = np.array(country.ip_prefixes)
        picked = prefixes[rng.integers(0, len(prefixes), size=mask.sum())]
        first[mask] = picked[:, 0]
        second[mask] = picked[:, 1]
    rest = rng.integers(1, 255, size=(len(countries), 2))
    return np.array(
        [f"{a}.{b}.{c}.{d}" for a, b, c, d in zip(first, second, rest[:, 0], rest[:, 1], strict=True)], dtype=object
    )
