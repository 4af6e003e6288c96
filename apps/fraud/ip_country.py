"""IP address -> ISO country and network owner, offline, from the database geoip2fast ships.

geoip2fast (PyPI) ships IPv4 and IPv6 country + ASN data inside the package (no network, no
account). One lookup gives the country and the name of the autonomous system that announces
the address; `ml.fraud.ip_networks.is_hosting_network` says whether that name is a cloud,
hosting, VPN, proxy-relay or Tor operator, which becomes the `is_vpn_ip` rule variable.

What this cannot know (docs/fraud.md, "IP country and VPN-like addresses"): residential and
mobile proxies (exits on home or carrier addresses), VPNs that rent addresses from ordinary
ISPs, hosting companies missing from the name list, and anything newer than the package's data.

Lookups cost tens of microseconds and the same addresses recur (a customer's home address, a
card-testing bot's server), so answers are kept in a bounded per-process cache.

Loading the data takes about a second and 120 MB per process; web and Celery processes load it at
start-up (`geoip_reader` is a warmer, apps.core.warmup), and any other process on its first lookup.
"""
from __future__ import annotations

import gc
import threading
from functools import lru_cache
from typing import NamedTuple

from geoip2fast import GeoIP2Fast

from ml.fraud.ip_networks import is_hosting_network

DATA_FILE = "geoip2fast-asn-ipv6.dat.gz"
CACHE_SIZE = 100_000
_reader: GeoIP2Fast | None = None
_lock = threading.Lock()


class IpInfo(NamedTuple):
    country: str
    """Two-letter code; "" for private, reserved, unknown or missing addresses."""
    network: str
    """The announcing autonomous system's name ("" when unknown)."""
    is_hosting: bool
    """A cloud, hosting, VPN, proxy-relay or Tor network rather than an access provider."""


NO_INFO = IpInfo("", "", False)


def geoip_reader() -> GeoIP2Fast:
    """The process's reader, loaded on first call (start-up warm-up, else the first lookup)."""
    global _reader
    if _reader is None:
        with _lock:
            if _reader is None:
                _reader = GeoIP2Fast(geoip2fast_data_file=DATA_FILE, verbose=False)
                # Its tables are lists of millions of ints that never change: left to the collector,
                # every full collection walks them (~0.35 s) and lands inside some payment's model
                # budget. Moving what exists now to the permanent generation takes them out of it.
                gc.freeze()
    return _reader


@lru_cache(maxsize=CACHE_SIZE)
def ip_info(ip_address: str | None) -> IpInfo:
    """Country and network of an address (NO_INFO for a missing one)."""
    if not ip_address:
        return NO_INFO
    found = geoip_reader().lookup(ip_address)
    code = found.country_code or ""
    country = code if len(code) == 2 and code.isalpha() else ""
    network = "" if found.is_private else (found.asn_name or "")
    return IpInfo(country, network, is_hosting_network(network))


def ip_country(ip_address: str | None) -> str:
    """Two-letter country of a public address; "" for private, reserved, unknown or missing ones."""
    return ip_info(ip_address).country
