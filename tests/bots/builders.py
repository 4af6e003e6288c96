"""Flagged sessions and storefront sessions for bot-detection tests (and the route registries)."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from apps.bots.models import BotSession, Method
from apps.events.models import Event
from apps.merchants.models import Merchant
from tests import factories


def bot_session_for(merchant: Merchant, *, session_id: str | None = None, customer=None, score: float = 0.7) -> BotSession:
    """A stored flagged session (no events behind it unless the test adds them)."""
    now = timezone.now()
    session_id = session_id or f"bot-{merchant.slug}-{BotSession.objects.count()}"
    return BotSession.objects.create(
        merchant=merchant,
        session_id=session_id,
        customer=customer,
        anonymous_id=f"dev-{session_id}",
        score=score,
        method=Method.RULES,
        features={"events_per_minute": 120.0, "interval_cv": 0.0},
        reasons=[{"feature": "events_per_minute", "value": 120.0, "direction": "high", "text": "events per minute 120"}],
        events=200,
        started_at=now - timedelta(hours=1),
        ended_at=now - timedelta(hours=1) + timedelta(seconds=100),
    )


def session_events(
    merchant: Merchant,
    *,
    session_id: str,
    count: int,
    gap_seconds: float,
    start: datetime | None = None,
    customer=None,
    type_: str = "view",
    products=None,
) -> list[Event]:
    """`count` events of one session, `gap_seconds` apart (a bot when small and exact)."""
    start = start or timezone.now() - timedelta(hours=1)
    products = products or [factories.ProductFactory(merchant=merchant) for _ in range(min(count, 5))]
    customer = customer if customer is not None else factories.CustomerFactory()
    return Event.objects.bulk_create([
        Event(
            external_id=f"E-{merchant.slug}-{session_id}-{n}",
            merchant=merchant,
            customer=customer,
            session_id=session_id,
            type=type_,
            product=products[n % len(products)],
            timestamp=start + timedelta(seconds=gap_seconds * n),
        )
        for n in range(count)
    ])


def scorable_session(merchant: Merchant) -> str:
    """A fast, regular session of `merchant` the score action can judge; returns its id."""
    session_id = f"score-{merchant.slug}-{Event.objects.filter(merchant=merchant).count()}"
    session_events(merchant, session_id=session_id, count=40, gap_seconds=0.5)
    return session_id


def human_sessions(merchant: Merchant, *, sessions: int, seed: int = 1, start: datetime | None = None) -> list[str]:
    """People: 5-12 views with ~30 s think times, one product each; returns their session ids."""
    import numpy as np

    rng = np.random.default_rng(seed)
    start = start or timezone.now() - timedelta(hours=2)
    products = [factories.ProductFactory(merchant=merchant) for _ in range(8)]
    customers = [factories.CustomerFactory() for _ in range(5)]
    rows, ids = [], []
    for n in range(sessions):
        session_id = f"human-{merchant.slug}-{seed}-{n}"
        ids.append(session_id)
        offsets = np.cumsum(np.r_[0.0, 2.0 + rng.exponential(30.0, int(rng.integers(4, 12)))])
        for i, offset in enumerate(offsets):
            rows.append(Event(
                external_id=f"E-{session_id}-{i}",
                merchant=merchant,
                customer=customers[n % len(customers)],
                session_id=session_id,
                type="view",
                product=products[int(rng.integers(len(products)))],
                timestamp=start + timedelta(seconds=float(offset) + 60 * n),
            ))
    Event.objects.bulk_create(rows)
    return ids
