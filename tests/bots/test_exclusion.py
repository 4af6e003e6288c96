"""A flagged session's events leave the analytics rollups and recommendation training."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from apps.analytics.models import DailyFunnel, DailyMerchantKPI
from apps.analytics.rollups import LOOKAHEAD, rollups_rebuild
from apps.bots.models import BotSession
from apps.bots.selectors import bot_session_ids, exclude_bot_sessions
from apps.bots.services import sessions_score
from apps.events.models import Event
from apps.recommendations.selectors import interactions_frame
from tests import factories
from tests.bots.builders import bot_session_for, session_events

pytestmark = pytest.mark.django_db

DAY = timezone.now().astimezone(UTC).date() - timedelta(days=1)
NOON = datetime.combine(DAY, time(12), tzinfo=UTC)


@pytest.fixture
def shop(merchant_a, merchant_b):
    """At merchant A on DAY: a person's session (2 views and a cart) and a bot's (60 views at 0.5 s);
    at merchant B, a session with the same id as the bot's (it is not flagged)."""
    person, bot = factories.CustomerFactory(external_id="C-PERSON"), factories.CustomerFactory(external_id="C-BOT")
    product = factories.ProductFactory(merchant=merchant_a)
    for n, kind in enumerate(["view", "view", "add_to_cart"]):
        factories.EventFactory(merchant=merchant_a, customer=person, product=product, type=kind, session_id="person",
                               timestamp=NOON + timedelta(minutes=n))
    session_events(merchant_a, session_id="bot", count=60, gap_seconds=0.5, customer=bot, start=NOON)
    session_events(merchant_b, session_id="bot", count=3, gap_seconds=30, start=NOON)
    return person, bot


def _visitors(merchant) -> int:
    return DailyMerchantKPI.objects.get(merchant=merchant, day=DAY).visitors


def _funnel_views(merchant) -> int:
    rows = DailyFunnel.objects.filter(merchant=merchant, day=DAY, window="1d")
    return rows.aggregate(n=Sum("views"))["n"] or 0


def test_exclusion_matches_merchant_and_session(shop, merchant_a, merchant_b):
    bot_session_for(merchant_a, session_id="bot")
    kept = exclude_bot_sessions(Event.objects.all())
    assert not kept.filter(merchant=merchant_a, session_id="bot").exists()
    assert kept.filter(merchant=merchant_b, session_id="bot").count() == 3  # same id, other storefront
    assert kept.filter(session_id="person").count() == 3
    assert bot_session_ids() == {(merchant_a.pk, "bot")}
    assert bot_session_ids(merchant_ids=[merchant_b.pk]) == set()


def test_flagged_sessions_leave_the_rollups(shop, merchant_a):
    rollups_rebuild(merchant_ids=[merchant_a.pk])
    assert _visitors(merchant_a) == 2
    views_with_bot = _funnel_views(merchant_a)
    bot_session_for(merchant_a, session_id="bot")
    rollups_rebuild(merchant_ids=[merchant_a.pk])
    assert _visitors(merchant_a) == 1
    assert _funnel_views(merchant_a) < views_with_bot


def test_scoring_queues_a_rebuild_of_the_rollup_days_it_changed(shop, merchant_a, django_capture_on_commit_callbacks):
    rollups_rebuild(merchant_ids=[merchant_a.pk])
    assert _visitors(merchant_a) == 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = sessions_score(since=NOON - timedelta(hours=1))
    assert summary.flagged == 1 and summary.changed_days == {merchant_a.pk: {DAY}}
    assert _visitors(merchant_a) == 2  # the scoring call itself rebuilt nothing
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: eager Celery runs the queued rebuild
    assert _visitors(merchant_a) == 1


def test_scoring_queues_the_task_rather_than_rebuilding(shop, merchant_a, monkeypatch, django_capture_on_commit_callbacks):
    import apps.analytics.rollups
    from apps.analytics.tasks import rollups_rebuild_task

    rollups_rebuild(merchant_ids=[merchant_a.pk])
    queued = []
    monkeypatch.setattr(rollups_rebuild_task, "delay", lambda **kwargs: queued.append(kwargs))
    monkeypatch.setattr(apps.analytics.rollups, "rollups_rebuild", lambda **_: pytest.fail("rebuilt inline"))
    with django_capture_on_commit_callbacks(execute=True):
        sessions_score(since=NOON - timedelta(hours=1))
    assert queued == [{"merchant_ids": [merchant_a.pk], "since": (DAY - LOOKAHEAD).isoformat()}]


def test_without_built_rollups_scoring_queues_nothing(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sessions_score(since=NOON - timedelta(hours=1)).flagged == 1
    assert callbacks == []


def test_flagged_sessions_leave_recommendation_training(shop, merchant_a):
    person, bot = shop
    assert set(interactions_frame(merchant_ids=[merchant_a.pk])["customer"]) == {person.pk, bot.pk}
    sessions_score(since=NOON - timedelta(hours=1))
    assert BotSession.objects.filter(session_id="bot").exists()
    frame = interactions_frame(merchant_ids=[merchant_a.pk])
    assert set(frame["customer"]) == {person.pk}
    assert len(frame) == 3
