"""`seed_bot_sessions` plants bot sessions idempotently, and scoring finds them."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.bots.models import BotSession
from apps.events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_planting_twice_adds_nothing_and_the_bots_are_found(merchant_a, merchant_b):
    for merchant in (merchant_a, merchant_b):
        for _ in range(20):
            factories.ProductFactory(merchant=merchant)
    factories.CustomerFactory.create_batch(3)
    out = io.StringIO()
    call_command("seed_bot_sessions", "--sessions", "6", "--days", "2", stdout=out)
    planted = Event.objects.filter(session_id__startswith="BOT-SES-").count()
    assert planted > 6 * 15 and "Planted 6 bot sessions" in out.getvalue()
    call_command("seed_bot_sessions", "--sessions", "6", "--days", "2", stdout=out)
    assert Event.objects.filter(session_id__startswith="BOT-SES-").count() == planted
    assert "0 new events" in out.getvalue()
    call_command("score_bot_sessions", "--days", "3", stdout=out)
    assert BotSession.objects.count() == 6
    assert "6 flagged" in out.getvalue()


def test_planting_needs_a_catalog(db):
    with pytest.raises(CommandError, match="no active products"):
        call_command("seed_bot_sessions")


def test_score_command_checks_its_merchant(db):
    with pytest.raises(CommandError, match="no merchant"):
        call_command("score_bot_sessions", "--merchant", "nowhere")
