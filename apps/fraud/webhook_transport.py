"""Signing and sending one webhook request; no database here, so it is easy to reason about and test.

The signature follows Stripe's scheme: `X-ShopSignal-Signature: t=<unix seconds>,v1=<hex>` where
v1 is HMAC-SHA256 of "<t>.<raw body>" under the endpoint's secret. Signing the timestamp with the
body lets a receiver reject replays of an old, validly signed request.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from urllib.parse import urlsplit

import requests
from django.core.serializers.json import DjangoJSONEncoder

SIGNATURE_HEADER = "X-ShopSignal-Signature"
EVENT_HEADER = "X-ShopSignal-Event"
DELIVERY_HEADER = "X-ShopSignal-Delivery"

# Worth trying again: the receiver is overloaded, restarting or asked us to slow down.
TRANSIENT_STATUS_CODES = frozenset({408, 425, 429})


class WebhookTransientError(Exception):
    """The attempt failed in a way a later attempt may not (timeout, connection refused, 5xx)."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class WebhookPermanentError(Exception):
    """The receiver refused the request (4xx, redirect) or the URL is unusable: retrying will not help."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


def webhook_body(*, delivery_id: int, event: str, created_at: str, data: dict) -> bytes:
    """The exact bytes sent and signed; the delivery id lets receivers drop duplicates of a retry."""
    envelope = {"id": f"whd_{delivery_id}", "event": event, "created_at": created_at, "data": data}
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True).encode()


def webhook_signature(*, secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def public_destination_check(url: str) -> None:
    """Refuse URLs whose host resolves to a loopback, private, link-local or reserved address.

    A merchant registers the URL, so without this a webhook could probe the platform's own network
    (metadata services, Redis, the admin). The check runs before each attempt; a host that resolves
    differently at connection time (DNS rebinding) still needs an egress firewall, as docs/fraud.md says.
    """
    host = urlsplit(url).hostname
    if not host:
        raise WebhookPermanentError("the URL has no host")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise WebhookTransientError(f"cannot resolve {host}: {exc}") from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            raise WebhookPermanentError(f"{host} resolves to {ip}, a non-public address; webhooks only go to the internet")


def webhook_post(
    *, url: str, secret: str, body: bytes, event: str, delivery_id: int, timeout: float, allow_private: bool = False
) -> int:
    """POST the signed body; return the 2xx status code or raise a transient or permanent error."""
    if not allow_private:
        public_destination_check(url)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ShopSignal-Webhooks/1",
        SIGNATURE_HEADER: webhook_signature(secret=secret, body=body, timestamp=int(time.time())),
        EVENT_HEADER: event,
        DELIVERY_HEADER: f"whd_{delivery_id}",
    }
    try:
        # Redirects are not followed: a signed request must only ever reach the registered URL.
        response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise WebhookTransientError(f"{type(exc).__name__}: {exc}") from exc
    except requests.RequestException as exc:
        raise WebhookPermanentError(f"{type(exc).__name__}: {exc}") from exc
    code = response.status_code
    if 200 <= code < 300:
        return code
    if code >= 500 or code in TRANSIENT_STATUS_CODES:
        raise WebhookTransientError(f"HTTP {code}", status_code=code)
    raise WebhookPermanentError(f"HTTP {code}", status_code=code)
