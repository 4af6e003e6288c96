"""IP address -> ISO country, offline, from the database geoip2fast ships (IPv4 and IPv6, no network).

The library cannot tell VPN or hosting addresses: its ASN names are free text and no package
ships a maintained list of VPN ranges, so `is_vpn_ip` is not derived here (see docs/fraud.md).
"""
from __future__ import annotations

import threading

from geoip2fast import GeoIP2Fast

DATA_FILE = "geoip2fast-ipv6.dat.gz"
_reader: GeoIP2Fast | None = None
_lock = threading.Lock()


def ip_country(ip_address: str | None) -> str:
    """Two-letter country of a public address; "" for private, reserved, unknown or missing ones."""
    global _reader
    if not ip_address:
        return ""
    if _reader is None:
        with _lock:
            if _reader is None:
                _reader = GeoIP2Fast(geoip2fast_data_file=DATA_FILE, verbose=False)
    found = _reader.lookup(ip_address)
    code = found.country_code or ""
    return code if len(code) == 2 and code.isalpha() else ""
