"""/metrics: scoring counters and histograms, model quality gauges from labels, optional bearer token."""
from __future__ import annotations

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from apps.orders.models import Payment
from tests.fraud.scoring_support import clean_velocity, payment_body  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_velocity")


def _samples(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_count_decisions_fallbacks_and_quality(client, api_a, merchant_a):
    before = _samples(client)
    api_a.post("/api/v1/fraud/score", payment_body("T1", amount="900.00"), format="json")  # review (rule)
    api_a.post("/api/v1/fraud/score", payment_body("T2", customer_id="C2"), format="json")  # approve
    Payment.objects.filter(transaction_id="T1").update(is_fraud=True)
    Payment.objects.filter(transaction_id="T2").update(is_fraud=True)
    after = _samples(client)
    review = ("fraud_decisions_total", (("decision", "review"),))
    assert after[review] - before.get(review, 0) == 1
    assert after[("fraud_fallback_total", ())] - before.get(("fraud_fallback_total", ()), 0) == 2
    assert after[("fraud_score_count", ())] - before.get(("fraud_score_count", ()), 0) == 2
    assert after[("fraud_scoring_latency_seconds_count", ())] > before.get(("fraud_scoring_latency_seconds_count", ()), 0)
    assert after[("fraud_model_precision", ())] == 1.0 and after[("fraud_model_recall", ())] == 0.5


@override_settings(METRICS_TOKEN="s3cret")
def test_metrics_token_is_required_when_set(client, db):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
