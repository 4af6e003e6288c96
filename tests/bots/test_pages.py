"""The Bot sessions pages: rows, charts, CSV, a session's timeline; who sees what."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.bots.builders import bot_session_for, session_events

pytestmark = pytest.mark.django_db


def test_list_shows_own_sessions_with_reasons_and_charts(login, staff_a, merchant_a, merchant_b):
    bot_session_for(merchant_a, session_id="bot-alpha")
    bot_session_for(merchant_b, session_id="bot-bravo")
    html = login(staff_a).get(reverse("bots:list")).content.decode()
    assert "bot-alpha" in html and "bot-bravo" not in html
    assert "events per minute 120" in html
    assert 'id="chart-bots-per-day"' in html and 'id="chart-bots-scatter"' in html
    assert "fallback rules" in html  # no model trained


def test_list_names_the_production_model_without_loading_it(login, analyst, merchant_a, monkeypatch):
    """The page reads stored verdicts and the registry row: the cold first view used to unpickle the forest."""
    from apps.mlops import selectors as mlops_selectors
    from apps.mlops.services import ModelCard, model_promote, model_register

    card = ModelCard(metrics={"threshold": 0.6123}, parameters={}, features=[], data_start=None, data_end=None,
                     row_counts={})
    version = model_promote(version=model_register(name="bots", obj={"not": "a detector"}, card=card))
    bot_session_for(merchant_a, session_id="bot-alpha")
    monkeypatch.setattr(mlops_selectors, "load_verified", lambda *a, **k: pytest.fail("the page loaded the model"))
    mlops_selectors._cache.clear()
    html = login(analyst).get(reverse("bots:list")).content.decode()
    assert f"judged by {version}" in html and "scoring above 0.612" in html
    assert "bot-alpha" in html and 'id="chart-bots-scatter"' in html


def test_analyst_sees_every_merchant_and_filters(login, analyst, merchant_a, merchant_b):
    bot_session_for(merchant_a, session_id="bot-alpha")
    bot_session_for(merchant_b, session_id="bot-bravo")
    client = login(analyst)
    html = client.get(reverse("bots:list")).content.decode()
    assert "bot-alpha" in html and "bot-bravo" in html
    filtered = client.get(reverse("bots:list"), {"merchant": merchant_b.slug}).content.decode()
    assert "bot-bravo" in filtered and "bot-alpha" not in filtered


def test_csv_holds_the_filtered_rows(login, analyst, merchant_a, merchant_b):
    bot_session_for(merchant_a, session_id="bot-alpha")
    bot_session_for(merchant_b, session_id="bot-bravo")
    response = login(analyst).get(reverse("bots:list"), {"format": "csv", "merchant": merchant_a.slug})
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("session_id,merchant")
    assert "bot-alpha" in body and "bot-bravo" not in body


def test_empty_list_says_how_to_score(login, staff_a):
    html = login(staff_a).get(reverse("bots:list")).content.decode()
    assert "No bot sessions flagged" in html and "score_bot_sessions" in html


def test_detail_shows_the_timeline(login, staff_a, merchant_a):
    session = bot_session_for(merchant_a, session_id="bot-alpha")
    session_events(merchant_a, session_id="bot-alpha", count=30, gap_seconds=0.5)
    html = login(staff_a).get(reverse("bots:detail", kwargs={"pk": session.pk})).content.decode()
    assert 'id="chart-bot-timeline"' in html
    assert html.count("<td>view</td>") == 30


def test_support_agents_are_refused(login, agent, merchant_a):
    session = bot_session_for(merchant_a)
    assert login(agent).get(reverse("bots:list")).status_code == 403
    assert login(agent).get(reverse("bots:detail", kwargs={"pk": session.pk})).status_code == 403
