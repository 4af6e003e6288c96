"""Reads for bot detection: flagged sessions (tenancy-scoped), the events frames the detector
reads, and the one exclusion every consumer of behavioural events applies."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import django_filters
import pandas as pd
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404

from apps.bots.conf import MODEL_NAME
from apps.bots.models import BotSession, Method
from apps.core.api.filters import UTCDateTimeFilter
from apps.core.tenancy import scope_for_user
from apps.events.models import Event
from apps.mlops.models import ModelVersion
from apps.mlops.selectors import production_version

if TYPE_CHECKING:
    from apps.accounts.models import User

EVENT_COLUMNS = ["session_id", "type", "product", "timestamp", "customer", "anonymous_id"]


def exclude_bot_sessions(events: QuerySet[Event]) -> QuerySet[Event]:
    """`events` without those of flagged bot sessions: what analytics rollups and recommendation
    training read, so automated traffic inflates neither visitors nor popularity."""
    flagged = BotSession.objects.filter(merchant_id=OuterRef("merchant_id"), session_id=OuterRef("session_id"))
    return events.filter(~Exists(flagged))


def bot_session_ids(*, merchant_ids: Iterable[int] | None = None) -> set[tuple[int, str]]:
    """(merchant id, session id) of every flagged session, for consumers that filter frames instead of querysets."""
    rows = BotSession.objects.all()
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=list(merchant_ids))
    return set(rows.values_list("merchant_id", "session_id"))


class BotSessionFilter(django_filters.FilterSet):
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    customer = django_filters.CharFilter(field_name="customer__external_id", max_length=64, help_text="Customer external id.")
    method = django_filters.ChoiceFilter(choices=Method.choices, help_text="How the session was judged.")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", help_text="Score at least this.")
    started_from = UTCDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_to = UTCDateTimeFilter(field_name="started_at", lookup_expr="lte")

    class Meta:
        model = BotSession
        fields = ["merchant", "customer", "method", "min_score", "started_from", "started_to", "session_id"]


def bot_session_list(*, user: User, filters: dict | None = None) -> QuerySet[BotSession]:
    sessions = scope_for_user(BotSession.objects.select_related("merchant", "customer", "model_version"), user)
    return BotSessionFilter(filters, queryset=sessions).qs if filters else sessions


def bot_session_get(*, user: User, pk: int) -> BotSession:
    """404 for another merchant's session, exactly as for an unknown id."""
    return get_object_or_404(bot_session_list(user=user), pk=pk)


def session_events(*, merchant_id: int, session_id: str, limit: int = 2000) -> list[Event]:
    """A session's events in time order (the detail page's timeline)."""
    events = Event.objects.filter(merchant_id=merchant_id, session_id=session_id).select_related("product")
    return list(events.order_by("timestamp", "id")[:limit])


def scatter_sessions(sessions: QuerySet[BotSession], *, limit: int) -> list[BotSession]:
    """The highest-scoring sessions with only what the speed/regularity chart draws (no joins, no reasons)."""
    return list(sessions.select_related(None).only("session_id", "score", "features").order_by("-score")[:limit])


@dataclass(frozen=True)
class JudgeStatus:
    """What judges sessions now, as the Bot sessions page names it."""

    method: str
    version: ModelVersion | None = None
    threshold: float | None = None


def judge_status() -> JudgeStatus:
    """The production `bots` version and the threshold on its model card: one query, no artifact.

    The page only names the judge; loading the IsolationForest to do so (importing scikit-learn,
    verifying the checksum, unpickling 200 trees) made the first view of each process slow. The
    verdicts it lists were stored by the scoring job, each with its own method and version.
    """
    version = production_version(name=MODEL_NAME)
    if version is None:
        return JudgeStatus(method=Method.RULES)
    return JudgeStatus(method=Method.MODEL, version=version, threshold=(version.metrics or {}).get("threshold"))


def flagged_per_day(sessions: QuerySet[BotSession]) -> list[tuple[date, int]]:
    rows = sessions.order_by().annotate(day=TruncDate("started_at")).values("day").annotate(n=Count("id")).order_by("day")
    return [(row["day"], row["n"]) for row in rows]


def merchants_with_events(*, since: datetime | None = None, until: datetime | None = None) -> list[int]:
    events = Event.objects.filter(merchant__isnull=False)
    if since:
        events = events.filter(timestamp__gte=since)
    if until:
        events = events.filter(timestamp__lt=until)
    return sorted(events.order_by().values_list("merchant_id", flat=True).distinct())


def events_frame(
    *, merchant_id: int, since: datetime | None = None, until: datetime | None = None, session_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """A merchant's events with a session id, as `ml.risk.bots` reads them.

    With `session_ids`, every event of those sessions (whatever its time); otherwise the events in
    [since, until)."""
    events = Event.objects.filter(merchant_id=merchant_id).exclude(session_id="")
    if session_ids is not None:
        events = events.filter(session_id__in=list(session_ids))
    else:
        if since:
            events = events.filter(timestamp__gte=since)
        if until:
            events = events.filter(timestamp__lt=until)
    rows = events.order_by().values_list("session_id", "type", "product_id", "timestamp", "customer_id", "anonymous_id")
    frame = pd.DataFrame.from_records(list(rows.iterator(chunk_size=20_000)), columns=EVENT_COLUMNS)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


def sessions_active(*, merchant_id: int, since: datetime, until: datetime | None = None) -> list[str]:
    """Session ids of a merchant with an event in [since, until)."""
    events = Event.objects.filter(merchant_id=merchant_id, timestamp__gte=since).exclude(session_id="")
    if until:
        events = events.filter(timestamp__lt=until)
    return list(events.order_by().values_list("session_id", flat=True).distinct())
