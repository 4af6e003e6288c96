"""Scoring stored sessions: rules without a model, the production model with one, idempotent verdicts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.bots.models import BotSession, Method
from apps.bots.services import current_judge, session_score, sessions_score, sessions_score_recent
from apps.bots.tasks import score_recent_task
from apps.mlops.pipeline import TRAINERS, TrainingOptions, TrainingRefused, training_start_and_execute
from apps.mlops.services import ModelCard, model_promote, model_register
from tests import factories
from tests.bots.builders import human_sessions, session_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def traffic(merchant_a):
    """60 people and one planted bot (200 views at exactly 0.5 s) at merchant A, in the last two hours."""
    people = human_sessions(merchant_a, sessions=60)
    bot_account = factories.CustomerFactory(external_id="C-BOT")
    session_events(merchant_a, session_id="bot-1", count=200, gap_seconds=0.5, customer=bot_account)
    return people


@pytest.fixture
def bots_trainable(monkeypatch, settings):
    """The `bots` trainer in the pipeline's registry (the lead adds it to apps/mlops/pipeline.py), on small data."""
    monkeypatch.setitem(TRAINERS, "bots", "apps.bots.training.bots_train")
    settings.BOTS = {"MIN_TRAINING_SESSIONS": 30}


def test_without_a_model_the_rules_flag_the_bot_only(traffic, merchant_a):
    summary = sessions_score_recent()
    assert summary.method == Method.RULES
    assert summary.sessions == 61 and summary.flagged == 1
    stored = BotSession.objects.get()
    assert (stored.merchant, stored.session_id, stored.method) == (merchant_a, "bot-1", Method.RULES)
    assert stored.customer.external_id == "C-BOT"
    assert stored.events == 200 and stored.duration_seconds == pytest.approx(99.5)
    assert {r["feature"] for r in stored.reasons} == {"events_per_minute", "interval_cv"}
    assert stored.features["interval_cv"] == pytest.approx(0.0, abs=1e-6)


def test_rescoring_is_idempotent_and_keeps_when_first_flagged(traffic):
    sessions_score_recent()
    first = BotSession.objects.get()
    sessions_score_recent()
    again = BotSession.objects.get()
    assert again.pk == first.pk
    assert again.flagged_at == first.flagged_at
    assert again.scored_at > first.scored_at
    assert (again.score, again.features, again.reasons) == (first.score, first.features, first.reasons)


def test_a_session_that_no_longer_looks_automated_loses_its_row(traffic, settings):
    sessions_score_recent()
    assert BotSession.objects.count() == 1
    settings.BOTS = {"RULE_MAX_EVENTS_PER_MINUTE": 1000.0}  # a laxer policy: 120 events/min is now allowed
    summary = sessions_score_recent()
    assert summary.unflagged == 1 and summary.flagged == 0
    assert not BotSession.objects.exists()


def test_sessions_outside_the_window_are_left_alone(merchant_a):
    session_events(merchant_a, session_id="old-bot", count=50, gap_seconds=0.5, start=timezone.now() - timedelta(days=3))
    assert sessions_score_recent().sessions == 0
    assert sessions_score(since=timezone.now() - timedelta(days=4)).flagged == 1


def test_the_production_model_judges_once_trained(traffic, bots_trainable, merchant_a):
    run, outcome = training_start_and_execute(name="bots", options=TrainingOptions())
    assert outcome.promoted and outcome.version.stage == "production"
    assert outcome.version.metrics["sessions"] == 61
    judge = current_judge()
    assert judge.method == Method.MODEL and judge.version == outcome.version
    sessions_score_recent()
    stored = BotSession.objects.get(session_id="bot-1")
    assert stored.method == Method.MODEL and stored.model_version == outcome.version
    assert stored.score > stored.threshold
    assert stored.reasons and all("normal" in r["text"] for r in stored.reasons)
    assert BotSession.objects.count() <= 6  # ~8% contamination of 61 sessions, the bot among them


def test_training_refuses_too_little_data(merchant_a, monkeypatch):
    monkeypatch.setitem(TRAINERS, "bots", "apps.bots.training.bots_train")
    human_sessions(merchant_a, sessions=10)
    with pytest.raises(TrainingRefused, match="at least 200"):
        training_start_and_execute(name="bots", options=TrainingOptions())


def test_an_unusable_production_artifact_falls_back_to_rules(traffic):
    version = model_register(name="bots", obj={"not": "a detector"}, card=ModelCard({}, {}, [], None, None, {}))
    model_promote(version=version)
    assert current_judge().method == Method.RULES
    assert sessions_score_recent().flagged == 1


def test_scoring_one_session_on_demand(traffic, merchant_a):
    verdict = session_score(merchant=merchant_a, session_id="bot-1")
    assert verdict.judged and verdict.flagged and verdict.session.session_id == "bot-1"
    person = session_score(merchant=merchant_a, session_id=traffic[0])
    assert person.judged and not person.flagged and person.session is None
    assert session_score(merchant=merchant_a, session_id="nope") is None


def test_short_sessions_are_not_judged(merchant_a):
    session_events(merchant_a, session_id="tiny", count=3, gap_seconds=0.5)
    verdict = session_score(merchant=merchant_a, session_id="tiny")
    assert not verdict.judged and not verdict.flagged and verdict.score is None and verdict.events == 3


def test_the_beat_task_reports_what_it_did(traffic):
    report = score_recent_task()
    assert report["flagged"] == 1 and report["method"] == "rules" and report["sessions"] == 61
