"""Bot detection's evidence about customers, in the shape the per-customer risk score combines.

A signed-in account whose sessions were flagged as automated is being driven by a script: its
signal is the strongest flagged session of the last SIGNAL_DAYS days, with how many there were.
Anonymous bot sessions name no customer and give no signal; neither do accounts never flagged
(no signal is not a signal of 0).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from apps.bots.conf import setting
from apps.bots.models import BotSession
from ml.risk.signals import RiskSignal


def risk_signals(*, customer_ids: Iterable[int] | None = None, merchant_ids: Iterable[int] | None = None) -> list[RiskSignal]:
    days = setting("SIGNAL_DAYS")
    sessions = BotSession.objects.filter(customer__isnull=False, started_at__gte=timezone.now() - timedelta(days=days))
    if merchant_ids is not None:
        sessions = sessions.filter(merchant_id__in=list(merchant_ids))
    if customer_ids is not None:
        sessions = sessions.filter(customer_id__in=list(customer_ids))
    totals = {
        row["customer_id"]: row
        for row in sessions.order_by().values("customer_id").annotate(n=Count("id"), latest=Max("started_at"))
    }
    # The strongest session of each customer, for its score and the reason it was flagged (flagged
    # sessions are few per account, so picking in Python costs nothing and works on SQLite too).
    best: dict[int, BotSession] = {}
    fields = ("customer_id", "score", "reasons", "events", "started_at", "ended_at")
    for session in sessions.order_by("-score", "-started_at").only(*fields):
        best.setdefault(session.customer_id, session)
    signals = []
    for customer_id, session in best.items():
        row = totals[customer_id]
        top = session.reasons[0]["text"] if session.reasons else "unusual session behaviour"
        reason = (
            f"{row['n']} bot session{'s' if row['n'] != 1 else ''} in {days} days; strongest scored "
            f"{session.score:.2f} ({session.events} events in {session.duration_seconds / 60:.1f} min: {top})"
        )
        signals.append(RiskSignal("bots", "customer", customer_id, float(session.score), reason, row["latest"]))
    return signals

