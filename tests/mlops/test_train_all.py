"""`manage.py train_all`: every trainer in order, a summary row each, failures reported at the end."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.mlops.models import ModelVersion, TrainingRun
from apps.mlops.pipeline import TRAINERS

pytestmark = pytest.mark.django_db
HERE = "tests.mlops.test_tasks_pipeline"


@pytest.fixture
def only_tiny_trainers(monkeypatch) -> dict[str, str]:
    """The registry replaced by the pipeline tests' tiny trainers (in the pipeline and the command)."""
    trainers = {"tiny": f"{HERE}.tiny_trainer", "refusing": f"{HERE}.refusing_trainer"}
    monkeypatch.setattr("apps.mlops.pipeline.TRAINERS", trainers)
    monkeypatch.setattr("apps.mlops.management.commands.train_all.TRAINERS", trainers)
    return trainers


def _run(*args) -> str:
    out = StringIO()
    call_command("train_all", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_trains_each_model_in_order_and_reports_skips(only_tiny_trainers):
    output = _run()
    lines = output.splitlines()
    assert lines[0].split()[:3] == ["model", "result", "time"]
    assert lines[1].split()[:2] == ["tiny", "registered"]
    assert lines[2].split()[:2] == ["refusing", "skipped"] and "not enough data: 3 payments" in lines[2]
    assert ModelVersion.objects.filter(name="tiny").count() == 1
    assert set(TrainingRun.objects.values_list("name", "status")) == {("tiny", "succeeded"), ("refusing", "failed")}


def test_a_failing_model_does_not_stop_the_others_but_fails_the_command(only_tiny_trainers):
    only_tiny_trainers.clear()
    only_tiny_trainers.update({"broken": f"{HERE}.broken_trainer", "tiny": f"{HERE}.tiny_trainer"})
    with pytest.raises(CommandError, match="1 of 2 models failed"):
        _run()
    assert ModelVersion.objects.filter(name="tiny").exists()


def test_the_real_registry_lists_fraud():
    assert "fraud" in TRAINERS


def test_bots_train_before_the_models_whose_data_excludes_bot_sessions():
    """Segments and recommendations read events without flagged bot sessions, so train_all trains bots first."""
    order = list(TRAINERS)
    assert order.index("bots") < order.index("segments") < order.index("recommendations")
