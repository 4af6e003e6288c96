"""Bot detection's per-customer risk signals."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.bots.risk_signals import risk_signals
from tests import factories
from tests.bots.builders import bot_session_for

pytestmark = pytest.mark.django_db


def test_one_signal_per_account_from_its_strongest_session(merchant_a, merchant_b):
    hoarder, other = factories.CustomerFactory(), factories.CustomerFactory()
    bot_session_for(merchant_a, customer=hoarder, score=0.62)
    bot_session_for(merchant_a, customer=hoarder, score=0.81)
    bot_session_for(merchant_b, customer=other, score=0.7)
    bot_session_for(merchant_a, score=0.9)  # anonymous: names nobody
    signals = {s.subject_id: s for s in risk_signals()}
    assert set(signals) == {hoarder.pk, other.pk}
    signal = signals[hoarder.pk]
    assert (signal.source, signal.subject, signal.score) == ("bots", "customer", 0.81)
    assert signal.reason.startswith("2 bot sessions in 90 days; strongest scored 0.81 (200 events in 1.7 min")
    assert "events per minute 120" in signal.reason


def test_signals_are_narrowed_by_merchant_customer_and_age(merchant_a, merchant_b):
    hoarder, other = factories.CustomerFactory(), factories.CustomerFactory()
    bot_session_for(merchant_a, customer=hoarder)
    bot_session_for(merchant_b, customer=other)
    old = bot_session_for(merchant_a, customer=other)
    old.started_at -= timedelta(days=120)
    old.save()
    assert [s.subject_id for s in risk_signals(merchant_ids=[merchant_b.pk])] == [other.pk]
    assert [s.subject_id for s in risk_signals(customer_ids=[hoarder.pk])] == [hoarder.pk]
    assert risk_signals(merchant_ids=[merchant_a.pk], customer_ids=[other.pk]) == []
