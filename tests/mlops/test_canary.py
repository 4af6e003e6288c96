"""Canaries: stable hash routing of a share of keys to a staging version, live comparison, audited controls."""
from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from apps.core.models import AuditLog
from apps.mlops import canary as canary_module
from apps.mlops.canary import (
    CanaryError,
    canary_observe,
    canary_promote,
    canary_set,
    canary_stop,
    in_canary,
    model_for,
)
from apps.mlops.comparison import Answers, arm_summary, canary_comparison
from apps.mlops.models import Canary, ModelVersion, ServedPrediction, Stage
from apps.mlops.services import ModelCard, model_promote, model_register

KEYS = [f"customer-{i}" for i in range(2_000)]


@pytest.fixture(autouse=True)
def fresh_routing():
    canary_module.canary_forget()
    yield
    canary_module.canary_forget()


def _register(name: str, obj) -> ModelVersion:
    return model_register(name=name, obj=obj, card=ModelCard({}, {}, [], None, None, {}))


@pytest.fixture
def versions(db):
    production = model_promote(version=_register("recs", {"model": "production"}))
    staging = _register("recs", {"model": "staging"})
    return production, staging


def _served(key: str) -> str:
    version, model = model_for("recs", key)
    return model["model"]


def test_share_zero_always_answers_production(versions):
    canary_set(name="recs", version=versions[1], share=0)
    assert {_served(key) for key in KEYS[:300]} == {"production"}


def test_share_hundred_always_answers_staging(versions):
    canary_set(name="recs", version=versions[1], share=100)
    assert {_served(key) for key in KEYS[:300]} == {"staging"}
    assert model_for("recs", KEYS[0])[0] == versions[1]


def test_thirty_percent_routes_about_thirty_percent_of_keys_stably(versions):
    canary_set(name="recs", version=versions[1], share=30)
    first = [_served(key) for key in KEYS]
    assert 0.27 < first.count("staging") / len(KEYS) < 0.33
    assert first == [_served(key) for key in KEYS]  # the same key lands on the same version every time
    canary_set(name="recs", version=versions[1], share=50)
    widened = [_served(key) for key in KEYS]
    assert all(after == "staging" for before, after in zip(first, widened, strict=True) if before == "staging")


def test_buckets_are_independent_across_models():
    fraud = {key for key in KEYS if in_canary(name="fraud", key=key, share=30)}
    recs = {key for key in KEYS if in_canary(name="recs", key=key, share=30)}
    assert 0.05 < len(fraud & recs) / len(KEYS) < 0.15  # about 30% of 30%, not the same keys


def test_stop_restores_production_and_the_version_stage(versions):
    canary_set(name="recs", version=versions[1], share=100)
    assert ModelVersion.objects.get(pk=versions[1].pk).stage == Stage.STAGING
    stopped = canary_stop(name="recs")
    assert stopped.stage == Stage.NONE and not Canary.objects.exists()
    assert {_served(key) for key in KEYS[:200]} == {"production"}
    with pytest.raises(CanaryError):
        canary_stop(name="recs")


def test_promote_makes_the_canary_production(versions):
    canary_set(name="recs", version=versions[1], share=10)
    canary_promote(name="recs")
    assert ModelVersion.objects.get(stage=Stage.PRODUCTION) == versions[1]
    assert ModelVersion.objects.get(pk=versions[0].pk).stage == Stage.ARCHIVED
    assert not Canary.objects.exists() and {_served(key) for key in KEYS[:50]} == {"staging"}


def test_refusals_name_the_field(versions):
    with pytest.raises(CanaryError) as production:
        canary_set(name="recs", version=versions[0], share=10)
    assert production.value.field == "version"
    with pytest.raises(CanaryError) as share:
        canary_set(name="recs", version=versions[1], share=101)
    assert share.value.field == "share"
    with pytest.raises(CanaryError):
        canary_set(name="fraud", version=versions[1], share=10)


def test_every_change_is_audited_and_an_unchanged_request_is_idempotent(versions):
    canary_set(name="recs", version=versions[1], share=10)
    canary_set(name="recs", version=versions[1], share=10)
    canary_set(name="recs", version=versions[1], share=40)
    canary_stop(name="recs")
    summaries = list(AuditLog.objects.filter(object_type="mlops.Canary").order_by("pk").values_list("summary", "after"))
    assert summaries == [
        ("started canary: recs v2 at 10%", {"version": 2, "share": 10}),
        ("changed canary: recs v2 at 40%", {"version": 2, "share": 40}),
        ("stopped canary: recs v2", None),
    ]


def test_stop_and_promote_refuse_without_a_canary_and_audit_their_own_words(versions):
    for end, words in ((canary_stop, "running"), (canary_promote, "to promote")):
        with pytest.raises(CanaryError, match=f"recs has no canary {words}") as refused:
            end(name="recs")
        assert refused.value.field == "name"
    canary_set(name="recs", version=versions[1], share=10)
    canary_promote(name="recs")
    promoted = AuditLog.objects.filter(object_type="mlops.Canary").order_by("pk").last()
    assert (promoted.action, promoted.summary, promoted.after) == ("action", "promoted canary: recs v2", None)


def test_a_canary_that_cannot_serve_falls_back_to_production(versions):
    canary_set(name="recs", version=versions[1], share=100)
    loaded = model_for("recs", "k", production=lambda: ("prod", None), adapt=lambda version, obj: None)
    assert loaded == ("prod", None)


def test_the_caller_shapes_both_answers(versions):
    canary_set(name="recs", version=versions[1], share=100)
    answer = model_for("recs", "k", production=lambda: (None, None), adapt=lambda version, obj: (version.version, obj))
    assert answer == (2, {"model": "staging"})
    assert model_for("recs", "", production=lambda: (None, None)) == (None, None)  # no key: production


def test_serving_logs_both_arms_only_while_a_canary_runs(versions, settings):
    settings.MONITORING = {**settings.MONITORING, "SAMPLE_RATE": 1.0}
    canary_observe(name="recs", version=1, score=0.5, decision="blend", latency_ms=12.0)
    assert not ServedPrediction.objects.exists()
    canary_set(name="recs", version=versions[1], share=50)
    canary_observe(name="recs", version=1, score=0.5, decision="blend", latency_ms=12.0)
    canary_observe(name="recs", version=versions[1], score=0.7, decision="blend", latency_ms=20.0)
    canary_observe(name="recs", version=None, score=None, decision="popularity", latency_ms=3.0)
    assert sorted(ServedPrediction.objects.values_list("model_version__version", "score")) == [(1, 0.5), (2, 0.7)]
    arms = canary_comparison(canary=Canary.objects.get()).arms
    assert [(arm.role, arm.version, arm.answers, arm.latency_mean_ms) for arm in arms] == [
        ("production", 1, 1, 12.0),
        ("canary", 2, 1, 20.0),
    ]


def test_arm_summary_with_labels():
    answers = Answers(
        scores=np.array([0.9, 0.8, 0.1, 0.2, np.nan]),
        decisions=["decline", "review", "approve", "approve", "approve"],
        latency_ms=np.array([10.0, 20.0, 30.0, 40.0, 50.0]),
        labels=np.array([1.0, 0.0, 1.0, np.nan, 0.0]),
    )
    arm = arm_summary("canary", 4, answers)
    assert arm.answers == 5 and arm.labelled == 4
    assert arm.decision_rates == {"approve": 0.6, "decline": 0.2, "review": 0.2}
    assert arm.precision == pytest.approx(0.5) and arm.recall == pytest.approx(0.5)
    assert arm.score_mean == pytest.approx(0.5) and arm.latency_mean_ms == pytest.approx(30.0)


# --- portal and API ----------------------------------------------------------------------------------


def test_portal_start_compare_stop_and_promote(client, versions, platform_admin, analyst):
    client.force_login(analyst)
    refused = client.post(reverse("mlops:model-canary", args=["recs"]), {"version": versions[1].pk, "share": 20})
    assert refused.status_code == 403 and not Canary.objects.exists()
    client.force_login(platform_admin)
    bad = client.post(reverse("mlops:model-canary", args=["recs"]), {"version": versions[1].pk, "share": 120}, follow=True)
    assert "share:" in bad.content.decode() and not Canary.objects.exists()
    client.post(reverse("mlops:model-canary", args=["recs"]), {"version": versions[1].pk, "share": 20})
    assert Canary.objects.get().share == 20
    page = client.get(reverse("mlops:model-list")).content.decode()
    assert "canary v2 at 20%" in page and "production v1" in page and "Stop canary" in page
    client.post(reverse("mlops:model-canary-stop", args=["recs"]))
    assert not Canary.objects.exists()
    client.post(reverse("mlops:model-canary", args=["recs"]), {"version": versions[1].pk, "share": 5})
    client.post(reverse("mlops:model-canary-promote", args=["recs"]))
    assert ModelVersion.objects.get(stage=Stage.PRODUCTION) == versions[1]


def test_api_set_read_stop_and_promote(api_client_for, versions, platform_admin, analyst):
    assert api_client_for(analyst).post(reverse("canary-list"), {"name": "recs", "version": 2, "share": 5},
                                        format="json").status_code == 403
    admin = api_client_for(platform_admin)
    started = admin.post(reverse("canary-list"), {"name": "recs", "version": 2, "share": 25}, format="json")
    assert started.status_code == 200, started.content
    assert started.json()["share"] == 25 and [arm["role"] for arm in started.json()["comparison"]] == ["production", "canary"]
    unknown = admin.post(reverse("canary-list"), {"name": "recs", "version": 9, "share": 25}, format="json")
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["version"]
    detail = api_client_for(analyst).get(reverse("canary-detail", args=["recs"])).json()
    assert detail["version"] == 2 and detail["name"] == "recs"
    assert admin.post(reverse("canary-stop", args=["recs"])).json()["stage"] == Stage.NONE
    assert admin.post(reverse("canary-stop", args=["recs"])).status_code == 404
    admin.post(reverse("canary-list"), {"name": "recs", "version": 2, "share": 25}, format="json")
    promoted = admin.post(reverse("canary-promote", args=["recs"]))
    assert promoted.status_code == 200 and promoted.json()["stage"] == Stage.PRODUCTION
    assert AuditLog.objects.filter(object_type="mlops.Canary", source="api").count() == 4
