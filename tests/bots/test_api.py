"""The bot sessions API: list, detail with timeline, filters, roles, and scoring on demand."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.bots.models import BotSession
from tests import factories
from tests.bots.builders import bot_session_for, human_sessions, session_events

pytestmark = pytest.mark.django_db


def test_list_and_detail_of_own_sessions(api_a, merchant_a, merchant_b):
    mine = bot_session_for(merchant_a, session_id="bot-a", score=0.9)
    bot_session_for(merchant_a, session_id="bot-a2", score=0.55)
    theirs = bot_session_for(merchant_b, session_id="bot-b")
    session_events(merchant_a, session_id="bot-a", count=12, gap_seconds=0.5)
    rows = api_a.get(reverse("bot-session-list")).json()["results"]
    assert {row["session_id"] for row in rows} == {"bot-a", "bot-a2"}
    row = next(r for r in rows if r["session_id"] == "bot-a")
    assert row["merchant"] == "mugs-more" and row["score"] == 0.9 and row["reasons"][0]["feature"] == "events_per_minute"
    high = api_a.get(reverse("bot-session-list"), {"min_score": "0.8"}).json()["results"]
    assert [r["session_id"] for r in high] == ["bot-a"]
    detail = api_a.get(reverse("bot-session-detail", kwargs={"pk": mine.pk})).json()
    assert len(detail["timeline"]) == 12
    assert detail["timeline"][0]["type"] == "view" and detail["timeline"][0]["timestamp"] < detail["timeline"][-1]["timestamp"]
    assert api_a.get(reverse("bot-session-detail", kwargs={"pk": theirs.pk})).status_code == 404


def test_support_agents_and_customers_are_refused(api_client_for, agent, customer_user, merchant_a, analyst):
    bot_session_for(merchant_a)
    assert api_client_for(agent).get(reverse("bot-session-list")).status_code == 403
    assert api_client_for(customer_user).get(reverse("bot-session-list")).status_code == 403
    assert len(api_client_for(analyst).get(reverse("bot-session-list")).json()["results"]) == 1


def test_score_flags_a_bot_and_stores_it_once(api_client_for, analyst, merchant_a):
    session_events(merchant_a, session_id="fast", count=80, gap_seconds=0.5)
    client = api_client_for(analyst)
    body = {"merchant": "mugs-more", "session_id": "fast"}
    first = client.post(reverse("bot-session-score"), body, format="json")
    assert first.status_code == 200, first.content
    verdict = first.json()
    assert verdict["judged"] and verdict["flagged"] and verdict["method"] == "rules" and verdict["events"] == 80
    assert verdict["bot_session"] == BotSession.objects.get(session_id="fast").pk
    assert client.post(reverse("bot-session-score"), body, format="json").json()["bot_session"] == verdict["bot_session"]
    assert BotSession.objects.count() == 1


def test_score_of_a_person_flags_nothing(api_a, merchant_a):
    [session_id] = human_sessions(merchant_a, sessions=1)
    verdict = api_a.post(reverse("bot-session-score"), {"merchant": "mugs-more", "session_id": session_id}, format="json").json()
    assert verdict["judged"] and not verdict["flagged"] and verdict["bot_session"] is None
    assert not BotSession.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"merchant": "mugs-more", "session_id": "unknown"}, "session_id"),
        ({"merchant": "nowhere", "session_id": "x"}, "merchant"),
        ({"merchant": "mugs-more"}, "session_id"),
    ],
)
def test_score_bad_input_names_the_field(api_a, merchant_a, body, field):
    response = api_a.post(reverse("bot-session-score"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_customer_id_is_shown_for_signed_in_bots(api_a, merchant_a):
    bot_session_for(merchant_a, customer=factories.CustomerFactory(external_id="C-HOARDER"))
    [row] = api_a.get(reverse("bot-session-list")).json()["results"]
    assert row["customer_id"] == "C-HOARDER"
    assert api_a.get(reverse("bot-session-list"), {"customer": "C-OTHER"}).json()["results"] == []
