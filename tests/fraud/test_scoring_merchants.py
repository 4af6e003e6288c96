"""A scoring call resolves its merchant from the per-process directory (no merchant query once warm),
while who may score for which merchant is still checked on every call."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.orders.models import Payment
from tests.fraud.scoring_support import clean_velocity, payment_body  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_velocity")]

SCORE = "/api/v1/fraud/score"


def _merchant_reads(captured) -> int:
    return sum('FROM "merchants_merchant"' in query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize("who", ["staff_a", "analyst"])
def test_a_warm_scoring_call_reads_no_merchant_row(request, who, api_client_for, merchant_a):
    client = api_client_for(request.getfixturevalue(who))
    assert client.post(SCORE, payment_body("T1"), format="json").status_code == 201
    with CaptureQueriesContext(connection) as captured:
        assert client.post(SCORE, payment_body("T2"), format="json").status_code == 201
    assert _merchant_reads(captured) == 0
    assert Payment.objects.get(transaction_id="T2").merchant_id == merchant_a.pk


def test_staff_removed_from_a_merchant_cannot_score_for_it_at_once(api_a, staff_a, merchant_a, merchant_b):
    assert api_a.post(SCORE, payment_body("T1"), format="json").status_code == 201  # MA is in the directory now
    staff_a.memberships.filter(merchant=merchant_a).update(merchant=merchant_b)
    refused = api_a.post(SCORE, payment_body("T2"), format="json")
    assert refused.status_code == 400 and refused.json()["errors"]["merchant_id"] == ["Unknown merchant 'MA'."]
    assert api_a.post(SCORE, payment_body("T3", merchant="MB"), format="json").status_code == 201
