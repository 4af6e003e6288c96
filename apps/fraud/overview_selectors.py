"""Aggregates for the fraud overview page: one query per chart, over the user's merchants.

Each function returns plain dataclasses so `apps.fraud.charts` can draw them without a database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from apps.core.tenancy import scope_for_user
from apps.fraud.case_selectors import waiting_q
from apps.fraud.models import Assessment, Decision, ReviewCase

if TYPE_CHECKING:
    from apps.accounts.models import User

SCORE_BINS = 20
# Age buckets of waiting cases, in hours: the last one is open-ended.
AGE_BUCKETS_HOURS = (1, 4, 24, 72)
TOP_RULES = 10


@dataclass(frozen=True)
class DecisionsOnDay:
    day: date
    approve: int
    review: int
    decline: int


@dataclass(frozen=True)
class QueueAge:
    label: str
    waiting: int
    claimed: int


@dataclass(frozen=True)
class WeeklyQuality:
    week: date
    precision: float | None
    recall: float | None
    labelled: int


def _assessments(user: User, since: datetime):
    return scope_for_user(Assessment.objects.filter(created_at__gte=since), user)


def decisions_per_day(*, user: User, since: datetime) -> list[DecisionsOnDay]:
    rows = (
        _assessments(user, since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(**{decision: Count("pk", filter=Q(decision=decision)) for decision in Decision.values})
        .order_by("day")
    )
    return [DecisionsOnDay(row["day"], row["approve"], row["review"], row["decline"]) for row in rows]


def score_histogram(*, user: User, since: datetime) -> list[int]:
    """Counts of scores in SCORE_BINS equal bins over 0..1 (a score of exactly 1 falls in the last)."""
    counts = [0] * SCORE_BINS
    for score in _assessments(user, since).values_list("score", flat=True).iterator():
        counts[min(int(score * SCORE_BINS), SCORE_BINS - 1)] += 1
    return counts


def queue_ages(*, user: User) -> list[QueueAge]:
    """Undecided cases by how long they have waited, split into waiting and claimed."""
    now = timezone.now()
    edges = [0, *AGE_BUCKETS_HOURS]
    labels = [f"{low}–{high} h" for low, high in zip(edges, edges[1:], strict=False)] + [f"> {edges[-1]} h"]
    cases = scope_for_user(ReviewCase.objects.exclude(status=ReviewCase.Status.DECIDED), user).annotate(
        is_waiting=ExpressionWrapper(waiting_q(now), output_field=BooleanField())
    )
    counts = {label: Counter() for label in labels}
    for created_at, is_waiting in cases.values_list("created_at", "is_waiting"):
        hours = (now - created_at) / timedelta(hours=1)
        bucket = next((label for label, high in zip(labels, AGE_BUCKETS_HOURS, strict=False) if hours < high), labels[-1])
        counts[bucket]["waiting" if is_waiting else "claimed"] += 1
    return [QueueAge(label, counts[label]["waiting"], counts[label]["claimed"]) for label in labels]


def weekly_quality(*, user: User, since: datetime) -> list[WeeklyQuality]:
    """Precision and recall of "review or decline" against today's labels, per week of scoring.

    Same definition as the Prometheus gauges (apps.fraud.metrics.decision_quality), per week."""
    flagged = Q(decision__in=[Decision.REVIEW, Decision.DECLINE])
    fraud = Q(payment__is_fraud=True)
    rows = (
        _assessments(user, since)
        .filter(payment__is_fraud__isnull=False)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            labelled=Count("pk"),
            flagged=Count("pk", filter=flagged),
            caught=Count("pk", filter=flagged & fraud),
            frauds=Count("pk", filter=fraud),
        )
        .order_by("week")
    )
    return [
        WeeklyQuality(
            week=row["week"].date() if isinstance(row["week"], datetime) else row["week"],
            precision=row["caught"] / row["flagged"] if row["flagged"] else None,
            recall=row["caught"] / row["frauds"] if row["frauds"] else None,
            labelled=row["labelled"],
        )
        for row in rows
    ]


def top_rules(*, user: User, since: datetime) -> list[tuple[str, int]]:
    """The flags that fired most often, with their counts."""
    counter: Counter[str] = Counter()
    for flags in _assessments(user, since).values_list("flags", flat=True).iterator():
        counter.update(flags)
    return counter.most_common(TOP_RULES)
