"""Scoring sessions and storing the verdicts.

Sessions are always scored whole (every event of a session with any event in the window), so a
session still running at one pass is judged again, on all its events, at the next. The verdict
of the latest scoring is the one stored: flagged sessions are upserted on (merchant, session id),
sessions that no longer look automated lose their row. Re-scoring is therefore idempotent.

The production `bots` model judges when there is one; without it (a new marketplace, a broken
artifact) the plain rules of `ml.risk.bots.rule_flags` do, so scoring never fails for want of a
model. When the verdicts of a merchant change and its analytics rollups exist, a rebuild of the
days concerned is queued on Celery once the verdicts commit, so the dashboards stop (or start)
counting those sessions within minutes without the scoring call paying for the rebuild.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from apps.bots.conf import MODEL_NAME, setting
from apps.bots.models import BotSession, Method
from apps.bots.selectors import events_frame, merchants_with_events, sessions_active
from apps.merchants.models import Merchant
from apps.mlops.models import ModelVersion
from apps.mlops.selectors import production_model
from ml.risk.bots import FEATURES, MIN_EVENTS, BotDetector, BotRules, rule_flags, session_features, session_summary

logger = logging.getLogger(__name__)
CHUNK_SESSIONS = 2000


@dataclass(frozen=True)
class Judge:
    """What scores sessions right now: the production model, or the rules without one."""

    method: str
    detector: BotDetector | None = None
    version: ModelVersion | None = None

    def score(self, features: pd.DataFrame) -> pd.DataFrame:
        if self.detector is not None:
            return self.detector.score(features)
        return rule_flags(features, rules())

    @property
    def threshold(self) -> float | None:
        return self.detector.threshold if self.detector is not None else None


def rules() -> BotRules:
    return BotRules(
        max_events_per_minute=setting("RULE_MAX_EVENTS_PER_MINUTE"),
        max_interval_cv=setting("RULE_MAX_INTERVAL_CV"),
        max_blind_carts=setting("RULE_MAX_BLIND_CARTS"),
    )


def current_judge() -> Judge:
    loaded = production_model(name=MODEL_NAME)
    if loaded is None or not isinstance(loaded[1], BotDetector) or not loaded[1].fitted:
        if loaded is not None:
            logger.warning("%s is not a usable bot detector; judging by the rules", loaded[0])
        return Judge(method=Method.RULES)
    version, detector = loaded
    return Judge(method=Method.MODEL, detector=detector, version=version)


@dataclass
class ScoringSummary:
    merchants: int = 0
    sessions: int = 0
    """sessions long enough to judge"""
    flagged: int = 0
    unflagged: int = 0
    """previously flagged sessions the latest scoring cleared"""
    method: str = ""
    changed_days: dict[int, set[date]] = field(default_factory=dict)

    def add(self, other: ScoringSummary) -> None:
        self.merchants += other.merchants
        self.sessions += other.sessions
        self.flagged += other.flagged
        self.unflagged += other.unflagged
        for merchant_id, days in other.changed_days.items():
            self.changed_days.setdefault(merchant_id, set()).update(days)


@dataclass(frozen=True)
class SessionVerdict:
    """One session judged on demand (the API's score action)."""

    session: BotSession | None
    judged: bool
    flagged: bool
    score: float | None
    method: str
    features: dict[str, float]
    reasons: list[dict]
    events: int


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json_features(row: pd.Series) -> dict[str, float]:
    return {name: round(float(row[name]), 4) for name in FEATURES}


def _store(*, merchant_id: int, frame: pd.DataFrame, judge: Judge, now: datetime) -> tuple[ScoringSummary, pd.DataFrame]:
    """Judge the sessions in `frame` (all their events) and write the verdicts; returns the summary and scores."""
    summary = ScoringSummary(method=judge.method)
    if frame.empty:
        return summary, pd.DataFrame()
    features = session_features(frame)
    scores = judge.score(features)
    identity = session_summary(frame)
    flagged = scores[scores["flagged"]]
    rows = []
    for session_id, verdict in flagged.iterrows():
        who = identity.loc[session_id]
        rows.append(BotSession(
            merchant_id=merchant_id,
            session_id=session_id,
            customer_id=None if pd.isna(who["customer"]) else int(who["customer"]),
            anonymous_id="" if pd.isna(who["anonymous_id"]) else str(who["anonymous_id"]),
            score=round(float(verdict["score"]), 4),
            threshold=judge.threshold,
            method=judge.method,
            model_version=judge.version,
            features=_json_features(features.loc[session_id]),
            reasons=list(verdict["reasons"]),
            events=int(features.at[session_id, "n_events"]),
            started_at=who["started_at"].to_pydatetime(),
            ended_at=who["ended_at"].to_pydatetime(),
            flagged_at=now,
            scored_at=now,
        ))
    cleared = scores.index[~scores["flagged"]].tolist()
    with transaction.atomic():
        before = set(
            BotSession.objects.filter(merchant_id=merchant_id, session_id__in=scores.index.tolist()).values_list(
                "session_id", flat=True
            )
        )
        if rows:
            # flagged_at is left out of the update: it records when the session was first flagged.
            BotSession.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["merchant", "session_id"],
                update_fields=[
                    "customer", "anonymous_id", "score", "threshold", "method", "model_version", "features",
                    "reasons", "events", "started_at", "ended_at", "scored_at",
                ],
                batch_size=500,
            )
        removed = BotSession.objects.filter(merchant_id=merchant_id, session_id__in=[s for s in cleared if s in before])
        unflagged = removed.count()
        removed.delete()
    changed = (set(flagged.index) - before) | (before & set(cleared))
    summary.sessions, summary.flagged, summary.unflagged = len(scores), len(flagged), unflagged
    if changed:
        summary.changed_days[merchant_id] = {ts.date() for ts in identity.loc[sorted(changed), "started_at"]}
    return summary, scores


def sessions_score(
    *, since: datetime, until: datetime | None = None, merchant_ids: list[int] | None = None, follow_rollups: bool = True
) -> ScoringSummary:
    """Judge every session with an event in [since, until) and store the verdicts (see module doc)."""
    judge = current_judge()
    now = timezone.now()
    total = ScoringSummary(method=judge.method)
    merchants = merchants_with_events(since=since, until=until)
    if merchant_ids is not None:
        merchants = [m for m in merchants if m in set(merchant_ids)]
    for merchant_id in merchants:
        total.merchants += 1
        for chunk in _chunks(sorted(sessions_active(merchant_id=merchant_id, since=since, until=until)), CHUNK_SESSIONS):
            summary, _ = _store(merchant_id=merchant_id, frame=events_frame(merchant_id=merchant_id, session_ids=chunk),
                                judge=judge, now=now)
            total.add(summary)
    if follow_rollups and total.changed_days:
        rollups_follow(total.changed_days)
    return total


def sessions_score_recent() -> ScoringSummary:
    """The 15-minute job: sessions with an event in the last RECENT_HOURS hours."""
    return sessions_score(since=timezone.now() - timedelta(hours=setting("RECENT_HOURS")))


def session_score(*, merchant: Merchant, session_id: str) -> SessionVerdict | None:
    """Judge one session now, store the verdict, and return it; None when it has no events."""
    frame = events_frame(merchant_id=merchant.pk, session_ids=[session_id])
    if frame.empty:
        return None
    judge = current_judge()
    features = session_features(frame)
    summary, scores = _store(merchant_id=merchant.pk, frame=frame, judge=judge, now=timezone.now())
    if summary.changed_days:
        rollups_follow(summary.changed_days)
    row = features.loc[session_id]
    stored = BotSession.objects.filter(merchant=merchant, session_id=session_id).first()
    if scores.empty:  # shorter than MIN_EVENTS: not judged
        return SessionVerdict(stored, False, False, None, judge.method, _json_features(row), [], int(row["n_events"]))
    verdict = scores.loc[session_id]
    return SessionVerdict(
        session=stored,
        judged=True,
        flagged=bool(verdict["flagged"]),
        score=round(float(verdict["score"]), 4),
        method=judge.method,
        features=_json_features(row),
        reasons=list(verdict["reasons"]),
        events=int(row["n_events"]),
    )


def rollups_follow(changed_days: dict[int, set[date]]) -> None:
    """Queue a rebuild of the rollup days whose sessions changed verdict (only where rollups were
    built before: a first build reads the verdicts anyway). Funnel journeys look a week ahead, hence
    the look-back. After commit, so the task reads the new verdicts; never inline, so scoring (the
    15-minute job, the API's score action) stays as fast as judging sessions."""
    from apps.analytics.models import RollupRun
    from apps.analytics.rollups import LOOKAHEAD
    from apps.analytics.tasks import rollups_rebuild_task

    if not RollupRun.objects.exists():
        return
    for merchant_id, days in changed_days.items():
        since = (min(days) - LOOKAHEAD).isoformat()
        transaction.on_commit(partial(rollups_rebuild_task.delay, merchant_ids=[merchant_id], since=since))


def describe(summary: ScoringSummary) -> dict[str, Any]:
    """The task's and the command's report."""
    return {
        "method": summary.method,
        "merchants": summary.merchants,
        "sessions": summary.sessions,
        "flagged": summary.flagged,
        "unflagged": summary.unflagged,
        "min_events": MIN_EVENTS,
    }
