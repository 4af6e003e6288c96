"""Which web pages may run a merchant's chat widget: the merchant's storefront origins, plus ShopSignal's own site.

A merchant lists its storefront origins (`https://shop.example.com`) in its widget settings. A
browser always names the page's origin (`Origin` header) on a websocket handshake and on a
cross-origin request, so a page elsewhere, another merchant's storefront included, cannot open
this merchant's chat with a shopper token (or anonymously) copied from it. ShopSignal's own hosts
(`ALLOWED_HOSTS`: the demo storefront, signed-in shoppers) are always allowed, as before.

A request without an Origin (or Referer) is not from a page (server-to-server, scripts, tests) and
is let through: such a client could send any Origin it liked, so refusing it would protect nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlparse

from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator

HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|[0-9a-f:.]+")
"""A DNS name (lower case, as urlparse gives it) or an IP address: nothing a browser could not send."""
SHOPPER_SOCKET_PATH = "/ws/chat/"
"""The widget's socket: its origin is checked per merchant by the consumer, not by ALLOWED_HOSTS alone."""


class InvalidOrigin(ValueError):
    """Not a web origin (scheme://host[:port] and nothing else)."""


def origin_normalise(value: str) -> str:
    """`https://Shop.Example.com:443/` -> `https://shop.example.com`; raises InvalidOrigin for anything else."""
    text = value.strip()
    try:
        parsed = urlparse(text)
    except ValueError as exc:  # e.g. an unbalanced IPv6 bracket
        raise InvalidOrigin(f"{text!r} is not an origin like https://shop.example.com.") from exc
    if parsed.scheme not in ("http", "https") or not parsed.hostname or not HOST.fullmatch(parsed.hostname):
        raise InvalidOrigin(f"{text!r} is not an origin like https://shop.example.com.")
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment or parsed.params or parsed.username or parsed.password:
        raise InvalidOrigin(f"{text!r}: an origin has no path, query, fragment or user; use scheme://host[:port].")
    try:
        port = parsed.port
    except ValueError as exc:
        raise InvalidOrigin(f"{text!r} has an invalid port.") from exc
    default = 443 if parsed.scheme == "https" else 80
    host = parsed.hostname if ":" not in parsed.hostname else f"[{parsed.hostname}]"
    return f"{parsed.scheme}://{host}" + (f":{port}" if port and port != default else "")


def origins_normalise(values: Iterable[str]) -> list[str]:
    """Normalised, de-duplicated origins in the given order (blank entries skipped)."""
    result: list[str] = []
    for value in values:
        if value.strip():
            origin = origin_normalise(value)
            if origin not in result:
                result.append(origin)
    return result


def own_site(origin: str) -> bool:
    """Whether `origin` is one of ShopSignal's own hosts (what the site-wide websocket check allows)."""
    validator = AllowedHostsOriginValidator(None)
    return validator.validate_origin(urlparse(origin))


def origin_allowed(origin: str | None, allowed: Iterable[str]) -> bool:
    """The widget rule: no browser origin, ShopSignal's own site, or one of the merchant's storefront origins."""
    if not origin:
        return True
    try:
        normalised = origin_normalise(origin)
    except InvalidOrigin:  # "null" (sandboxed and file:// pages) and anything malformed
        return False
    return own_site(normalised) or normalised in set(allowed)


def header_origin(headers: dict[str, str]) -> str | None:
    """The page's origin from `Origin`, else from `Referer` (same-origin GETs carry no Origin), else None."""
    origin = headers.get("origin", "").strip()
    if origin:  # "null" (sandboxed and file:// pages) included: it matches no storefront
        return origin
    referer = urlparse(headers.get("referer", ""))
    return f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else None


def scope_origin(scope: dict) -> str | None:
    """The Origin of a websocket handshake (ASGI scope), None when absent."""
    headers = {name.decode("latin1").lower(): value.decode("latin1") for name, value in scope.get("headers", [])}
    return header_origin({"origin": headers.get("origin", "")})


class SiteOriginValidator(OriginValidator):
    """The site-wide websocket origin check: ALLOWED_HOSTS, except that the shopper widget's socket is
    left to its consumer, which also accepts the storefront's listed origins (see `origin_allowed`)."""

    def __init__(self, application):
        super().__init__(application, AllowedHostsOriginValidator(application).allowed_origins)

    async def __call__(self, scope, receive, send):
        if scope.get("type") == "websocket" and scope.get("path") == SHOPPER_SOCKET_PATH:
            return await self.application(scope, receive, send)
        return await super().__call__(scope, receive, send)
