"""Live state that follows a shopper between trainings: the current session's items and cache generations.

Kept in Django's cache, which is Redis whenever REDIS_URL is set (shared by every web process)
and local memory otherwise. A shopper's cached answers are stored with the generation token they
were computed under; a new event replaces the token, so every cached answer of that shopper is
skipped at once without having to find and delete keys.
"""
from __future__ import annotations

import uuid

from django.core.cache import cache

from apps.recommendations.conf import setting
from ml.recs.interactions import EVENT_WEIGHTS

GENERATION_SECONDS = 7 * 86400


def _session_key(session_id: str) -> str:
    return f"recs:session:{session_id}"


def _generation_key(customer_id: int) -> str:
    return f"recs:gen:{customer_id}"


def session_products(session_id: str) -> list[int]:
    """Product ids of the session's latest positive events, most recent first."""
    if not session_id:
        return []
    return list(cache.get(_session_key(session_id)) or [])


def session_record(session_id: str, product_ids: list[int]) -> None:
    """Put `product_ids` (oldest first) at the front of the session's list, keeping the newest N distinct."""
    key = _session_key(session_id)
    current = list(cache.get(key) or [])
    for product_id in product_ids:
        current = [product_id, *(p for p in current if p != product_id)]
    cache.set(key, current[: setting("SESSION_EVENTS")], setting("SESSION_SECONDS"))


def generation(customer_id: int) -> str:
    return cache.get(_generation_key(customer_id)) or "0"


def generation_and(customer_id: int, key: str):
    """The shopper's generation token and the value cached under `key`, in one cache round trip."""
    found = cache.get_many([_generation_key(customer_id), key])
    return found.get(_generation_key(customer_id)) or "0", found.get(key)


def generations_bump(customer_ids: set[int]) -> None:
    """Invalidate every cached answer of these shoppers."""
    if customer_ids:
        token = uuid.uuid4().hex[:12]
        cache.set_many({_generation_key(pk): token for pk in customer_ids}, GENERATION_SECONDS)


def on_events_created(sender, events, **kwargs) -> None:
    """Receiver of apps.events.signals.events_created: boost the sessions, drop the shoppers' cached lists."""
    by_session: dict[str, list[int]] = {}
    customers: set[int] = set()
    for event in sorted(events, key=lambda e: e.timestamp):
        if event.customer_id:
            customers.add(event.customer_id)
        if event.session_id and event.product_id and event.type in EVENT_WEIGHTS:
            by_session.setdefault(event.session_id, []).append(event.product_id)
    for session_id, product_ids in by_session.items():
        session_record(session_id, product_ids)
    generations_bump(customers)
