"""The promotion gate: declared thresholds per model, "beats production on the same data", stored verdicts."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.mlops.gates import GATES, Condition, ProductionFigure, UndeclaredGate, gate_decide, gate_evaluate
from apps.mlops.models import ModelVersion, Stage
from apps.mlops.services import ModelCard, model_promote, model_register


def _version(name: str, metrics: dict) -> ModelVersion:
    return model_register(name=name, obj={"m": metrics}, card=ModelCard(metrics, {}, [], None, None, {}))


GOOD_FRAUD = {"auc_roc": 0.92, "average_precision": 0.40}


def test_a_worse_candidate_is_blocked_with_the_reason():
    result = gate_evaluate(name="fraud", metrics=GOOD_FRAUD, production=ProductionFigure(3, 0.45))
    assert not result.passed and not result.promoted
    assert result.reason.startswith("not promoted: does not beat production")
    assert "average_precision 0.4000 against v3's 0.4500" in result.reason
    comparison = next(check for check in result.checks if check["name"] == "beats production")
    assert comparison["passed"] is False


def test_a_better_candidate_passes():
    result = gate_evaluate(name="fraud", metrics=GOOD_FRAUD, production=ProductionFigure(3, 0.30))
    assert result.passed and result.promoted and result.reason.startswith("promoted: beats production")
    assert all(check["passed"] for check in result.checks)


def test_thresholds_block_even_a_model_that_beats_production():
    weak = {"auc_roc": 0.61, "average_precision": 0.40}
    result = gate_evaluate(name="fraud", metrics=weak, production=ProductionFigure(3, 0.10))
    assert not result.promoted
    assert "auc_roc 0.6100 below 0.7" in result.reason


def test_thresholds_are_per_model():
    # the same numbers pass one model's floors and fail another's
    assert gate_evaluate(name="chat_intents", metrics={"accuracy": 0.75}).promoted  # floor 0.70, first model promotes
    assert not gate_evaluate(name="tagging", metrics={"mean_f1": 0.25}, force=False).passed  # floor 0.30
    recs_better = {"ndcg@10": 0.21, "popularity_ndcg@10": 0.12}
    recs_worse = {"ndcg@10": 0.10, "popularity_ndcg@10": 0.12}
    assert gate_evaluate(name="recommendations", metrics=recs_better).promoted
    blocked = gate_evaluate(name="recommendations", metrics=recs_worse)
    assert not blocked.promoted and "ndcg@10 0.1000 not above popularity_ndcg@10 0.1200" in blocked.reason


def test_ties_pass_only_where_declared():
    assert GATES["tagging"].ties_pass and not GATES["fraud"].ties_pass
    tagging = gate_evaluate(name="tagging", metrics={"mean_f1": 0.6}, production=ProductionFigure(1, 0.6, "same holdout"))
    fraud = gate_evaluate(name="fraud", metrics=GOOD_FRAUD, production=ProductionFigure(1, 0.40))
    assert tagging.promoted and "at least as good as production" in tagging.reason
    assert not fraud.promoted


def test_first_model_waits_for_a_request_unless_declared_otherwise_and_force_overrides():
    first = gate_evaluate(name="fraud", metrics=GOOD_FRAUD)
    assert not first.promoted and "no production model yet" in first.reason and "--promote" in first.reason
    forced = gate_evaluate(name="fraud", metrics=GOOD_FRAUD, force=True)
    assert forced.promoted and not forced.passed and forced.reason.startswith("promoted on request despite")


def test_unscorable_production_and_missing_metrics_block():
    unscorable = gate_evaluate(name="fraud", metrics=GOOD_FRAUD, production=ProductionFigure(2, None, "cannot be loaded"))
    assert not unscorable.promoted and "v2 cannot be loaded" in unscorable.reason
    missing = gate_evaluate(name="fraud", metrics={"average_precision": 0.4}, production=ProductionFigure(2, 0.1))
    assert not missing.promoted and "auc_roc was not measured" in missing.reason


def test_trainer_conditions_join_the_gate():
    held = Condition("covers every scope", True, "complete segmentation of every scope")
    short = Condition("covers every scope", False, "this run did not segment every scope")
    assert gate_evaluate(name="segments", metrics={}, conditions=[held]).promoted
    blocked = gate_evaluate(name="segments", metrics={}, conditions=[short])
    assert blocked.reason == "not promoted: this run did not segment every scope"


def test_a_model_without_a_declared_gate_is_refused_loudly():
    with pytest.raises(UndeclaredGate, match="GATES"):
        gate_evaluate(name="nobody-declared-me", metrics={})


@pytest.mark.django_db
def test_gate_decide_stores_the_verdict_and_promotes_only_when_it_passes():
    production = model_promote(version=_version("fraud", {"auc_roc": 0.9, "average_precision": 0.5}))
    worse = _version("fraud", {"auc_roc": 0.9, "average_precision": 0.3})
    result = gate_decide(version=worse, production=ProductionFigure(production.version, 0.5))
    worse.refresh_from_db()
    assert not result.promoted and worse.stage == Stage.NONE
    assert worse.gate["passed"] is False and worse.gate["reason"] == result.reason
    better = _version("fraud", {"auc_roc": 0.95, "average_precision": 0.6})
    gate_decide(version=better, production=ProductionFigure(production.version, 0.5))
    better.refresh_from_db()
    assert better.stage == Stage.PRODUCTION and better.gate["promoted"] is True


@pytest.mark.django_db
def test_the_verdict_shows_on_the_models_page_and_in_the_api(client, api_client_for, platform_admin):
    version = _version("fraud", GOOD_FRAUD)
    gate_decide(version=version, production=None)
    client.force_login(platform_admin)
    page = client.get(reverse("mlops:model-list")).content.decode()
    assert "blocked" in page and "no production model yet" in page
    assert "Promotion gate: auc_roc ≥ 0.7, average_precision ≥ 0.05" in page
    body = api_client_for(platform_admin).get(reverse("modelversion-detail", args=[version.pk])).json()
    assert body["gate"]["passed"] is False and {c["name"] for c in body["gate"]["checks"]} >= {"beats production"}
