"""Drift monitoring: prediction logs against the training reference, alerts, fraud's own source, /metrics."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

import numpy as np
import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from apps.mlops.models import DriftReport, PredictionLog
from apps.mlops.monitoring import drift_check, drift_check_all, packed_features, prediction_log
from apps.mlops.services import ModelCard, model_promote, model_register
from apps.mlops.tasks import monitor_task
from ml.monitoring.drift import reference_profile

pytestmark = pytest.mark.django_db
RNG = np.random.default_rng(3)
TRAINING = RNG.normal(0, 1, (4_000, 2))


def _version(name: str = "toy"):
    reference = reference_profile(TRAINING, ["a", "b"])
    reference["features"]["score"] = reference_profile(RNG.uniform(0, 1, (4_000, 1)), ["score"])["features"]["score"]
    card = ModelCard({"auc": 0.8}, {}, ["a", "b"], None, None, {"train": 4_000}, reference=reference)
    return model_promote(version=model_register(name=name, obj={"w": 1}, card=card))


def _log(version, rows: np.ndarray, scores: np.ndarray) -> None:
    PredictionLog.objects.bulk_create(
        [
            PredictionLog(model_version=version, features=packed_features(row), score=float(s))
            for row, s in zip(rows, scores, strict=True)
        ]
    )


def test_traffic_like_training_is_ok():
    version = _version()
    _log(version, RNG.normal(0, 1, (600, 2)), RNG.uniform(0, 1, 600))
    report = drift_check(version=version)
    assert report.status == DriftReport.Status.OK and report.rows == 600
    assert {f["name"] for f in report.features} == {"a", "b"} and report.score["severity"] == "ok"


def test_a_shifted_feature_alerts_and_is_pushed_to_platform_staff():
    version = _version()
    shifted = np.column_stack([RNG.normal(0, 1, 600), RNG.normal(1.5, 1, 600)])
    _log(version, shifted, RNG.uniform(0, 1, 600))
    with mock.patch("apps.mlops.monitoring.notify") as notify:
        report = drift_check(version=version)
    assert report.status == DriftReport.Status.ALERT
    assert report.features[0]["name"] == "b" and report.reasons[0].startswith("b: PSI")
    payload = notify.call_args.kwargs["payload"]
    assert (payload["kind"], payload["model"], notify.call_args.kwargs["merchant_id"]) == ("model_drift", "toy", None)


def test_too_few_predictions_or_no_reference_is_no_data_not_an_alert():
    version = _version()
    _log(version, RNG.normal(0, 1, (50, 2)), RNG.uniform(0, 1, 50))
    report = drift_check(version=version)
    assert report.status == DriftReport.Status.NO_DATA and "at least 200" in report.reasons[0]
    bare = model_promote(version=model_register(name="bare", obj=1, card=ModelCard({}, {}, ["a"], None, None, {})))
    assert "no training reference" in drift_check(version=bare).reasons[0]


def test_only_the_window_is_read():
    version = _version()
    _log(version, RNG.normal(3, 1, (600, 2)), RNG.uniform(0, 1, 600))
    PredictionLog.objects.update(created_at=timezone.now() - timedelta(days=3))
    assert drift_check(version=version).status == DriftReport.Status.NO_DATA


@override_settings(MONITORING={"WINDOW_HOURS": 24, "MAX_ROWS": 1000, "MIN_ROWS": 1, "SAMPLE_RATE": 0.0, "MIN_PERFORMANCE": {}})
def test_prediction_log_samples():
    version = _version()
    for _ in range(20):
        prediction_log(version=version, features=[0.1, 0.2], score=0.3)
    assert PredictionLog.objects.count() == 0
    with override_settings(MONITORING={"SAMPLE_RATE": 1.0}):
        prediction_log(version=version, features=[0.1, 0.2], score=0.3)
    assert np.frombuffer(bytes(PredictionLog.objects.get().features)).tolist() == [0.1, 0.2]


def test_daily_task_reports_every_production_model():
    _version("one")
    _version("two")
    assert sorted(monitor_task()) == ["one v1 (production): no_data", "two v1 (production): no_data"]
    assert len(drift_check_all()) == 2


def test_metrics_expose_model_age_and_latest_drift(client):
    version = _version()
    _log(version, np.column_stack([RNG.normal(0, 1, 600), RNG.normal(1.5, 1, 600)]), RNG.uniform(0, 1, 600))
    with mock.patch("apps.mlops.monitoring.notify"):
        report = drift_check(version=version)
    samples = {
        (s.name, tuple(s.labels.items())): s.value
        for family in text_string_to_metric_families(client.get("/metrics").content.decode())
        for s in family.samples
    }
    assert samples[("model_drift_max_psi", (("model", "toy"),))] == pytest.approx(report.max_psi)
    assert samples[("model_age_seconds", (("model", "toy"),))] >= 0


def test_portal_page_shows_the_latest_check_with_its_charts(client, platform_admin):
    version = _version()
    _log(version, np.column_stack([RNG.normal(0, 1, 600), RNG.normal(1.5, 1, 600)]), RNG.uniform(0, 1, 600))
    client.force_login(platform_admin)
    with mock.patch("apps.mlops.monitoring.notify"):
        response = client.post("/models/monitoring/toy/check/")
    assert response.status_code == 302
    page = client.get("/models/monitoring/").content.decode()
    assert "toy v1" in page and "b: PSI" in page and 'id="chart-psi-toy"' in page and 'id="chart-drift-toy"' in page
    assert client.post("/models/monitoring/unknown/check/").status_code == 404


def test_api_checks_now_and_lists_reports(api_client_for, platform_admin):
    version = _version()
    _log(version, RNG.normal(0, 1, (600, 2)), RNG.uniform(0, 1, 600))
    api = api_client_for(platform_admin)
    created = api.post("/api/v1/drift-reports/check/", {"name": "toy"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["model"], body["model_version"], body["status"], body["rows"]) == ("toy", 1, "ok", 600)
    assert {f["name"] for f in body["features"]} == {"a", "b"} and body["score"]["name"] == "score"
    listed = api.get("/api/v1/drift-reports/?model=toy").json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]
    refused = api.post("/api/v1/drift-reports/check/", {"name": "nothing"}, format="json")
    assert refused.status_code == 400 and "name" in refused.json()["errors"]
