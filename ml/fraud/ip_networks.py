"""Is an autonomous system a hosting / VPN network? Decided from its registered name.

Consumer payments come from access networks (home broadband, mobile carriers, offices). An
address announced by a cloud or hosting company, a commercial VPN, a proxy relay (Cloudflare
WARP, iCloud Private Relay's Akamai and Cloudflare egress) or a Tor exit operator means the
buyer's real location is hidden, the "VPN-like IP" of the shipped HIGH_RISK_COUNTRY rule.

The test is a list of name fragments of the large operators (matched case-insensitively
against the AS name, as in the ASN data geoip2fast ships) plus a few words that only hosting
networks put in their names. It is deliberately conservative: a miss costs one signal among
many, a false hit sends a genuine customer to review. Known blind spots: residential and
mobile proxy services, VPNs on rented ISP addresses, small or renamed hosters.
"""

from __future__ import annotations

import re

HOSTING_NAME_FRAGMENTS: tuple[str, ...] = (
    # public clouds
    "amazon-", "amazon.com", "amazon data services", "amazon technologies", "google-cloud", "microsoft-corp-msn",
    "oracle-bmc", "alibaba", "tencent", "huawei cloud",
    "ibm-cloud", "softlayer",
    # hosting and VPS
    "digitalocean", "ovh", "hetzner", "linode", "akamai connected cloud", "choopa", "vultr", "scaleway", "online s.a.s",
    "contabo", "leaseweb", "colocrossing", "quadranet", "psychz", "hostinger", "namecheap", "godaddy", "ionos",
    "worldstream", "nforce", "hostroyale", "frantech", "buyvm", "clouvider", "zenlayer", "cdn77", "servers.com",
    "hivelocity", "limestone", "gcore", "g-core", "kamatera", "upcloud", "cherry servers", "aeza", "stark industries",
    "pq hosting", "timeweb", "selectel", "serverius", "i3d", "tzulo", "performive", "sharktech", "hostwinds",
    "ipxo", "cogent-hosting",
    # VPN operators and the networks most VPN exits are rented from
    "m247", "datacamp", "31173 services", "proton ag", "packethub", "tefincom", "hide.me", "private internet access",
    "expressvpn", "nordvpn", "surfshark", "mullvad",
    # proxy relays and Tor exit operators
    "cloudflarenet", "akamai-as", "stiftung erneuerbare freiheit", "torservers", "emerald onion",
    "quintex", "for privacy net", "artikel10",
)
HOSTING_WORDS = re.compile(r"\b(hosting|datacenter|data[ -]center|vps|colocation|dedicated servers?|vpn|proxy)\b", re.I)
_FRAGMENTS = re.compile("|".join(re.escape(fragment) for fragment in HOSTING_NAME_FRAGMENTS), re.I)
_GOOGLE = re.compile(r"^google$", re.I)
"""Google's own AS (15169) hosts Google Cloud front ends and Google's VPN/proxy egress, not consumers."""


def is_hosting_network(as_name: str) -> bool:
    """True for a cloud, hosting, VPN, proxy-relay or Tor operator's AS name; False for "" (unknown)."""
    if not as_name:
        return False
    return bool(_FRAGMENTS.search(as_name) or HOSTING_WORDS.search(as_name) or _GOOGLE.match(as_name.strip()))
