"""Assignment, exposures and the experiment life cycle."""
from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from apps.core.models import AuditLog
from apps.experiments.models import Experiment, Exposure, ExposureUnit
from apps.experiments.services import (
    VariantSpec,
    experiment_assign,
    experiment_start,
    experiment_stop,
    experiment_update,
    exposure_record,
)
from tests.experiments.support import make_experiment

pytestmark = pytest.mark.django_db


def test_assignment_is_deterministic_and_follows_the_split(merchant_a, settings):
    settings.EXPERIMENTS_CONFIG_MAX_AGE_SECONDS = 60  # the generation still moves on every write
    experiment = make_experiment(merchant_a, running=True, holdout_share=0.1)
    first = [experiment_assign(surface="recommendations", unit_id=f"C{i}", merchant_id=merchant_a.pk) for i in range(20_000)]
    again = [experiment_assign(surface="recommendations", unit_id=f"C{i}", merchant_id=merchant_a.pk) for i in range(200)]
    assert first[:200] == again
    counts = Counter(a.variant_key for a in first)
    assert abs(counts["holdout"] / 20_000 - 0.10) < 0.012
    assert abs(counts["control"] / 20_000 - 0.45) < 0.012
    assert abs(counts["popularity"] / 20_000 - 0.45) < 0.012
    held = next(a for a in first if a.holdout)
    assert (held.experiment_key, held.params) == (experiment.key, {})
    treated = next(a for a in first if a.variant_key == "popularity")
    assert treated.params == {"strategy": "popularity"} and not treated.holdout


def test_merchant_experiment_wins_over_platform_wide_and_draft_or_stopped_do_not_assign(merchant_a, merchant_b):
    assert experiment_assign(surface="recommendations", unit_id="C1", merchant_id=merchant_a.pk) is None
    make_experiment(merchant_a)  # a draft assigns nobody
    assert experiment_assign(surface="recommendations", unit_id="C1", merchant_id=merchant_a.pk) is None
    platform = make_experiment(None, running=True)
    mine = make_experiment(merchant_a, running=True)
    assert experiment_assign(surface="recommendations", unit_id="C1", merchant_id=merchant_a.pk).experiment_key == mine.key
    assert experiment_assign(surface="recommendations", unit_id="C1", merchant_id=merchant_b.pk).experiment_key == platform.key
    assert experiment_assign(surface="recommendations", unit_id="C1", merchant_id=None).experiment_key == platform.key
    assert experiment_assign(surface="search", unit_id="C1", merchant_id=merchant_a.pk) is None
    experiment_stop(actor=None, experiment=mine)
    assert experiment_assign(surface="recommendations", unit_id="C1", merchant_id=merchant_a.pk).experiment_key == platform.key


def test_one_running_experiment_per_surface_and_merchant(merchant_a, merchant_b):
    make_experiment(merchant_a, running=True, key="first")
    second = make_experiment(merchant_a, key="second")
    with pytest.raises(ValidationError) as refused:
        experiment_start(actor=None, experiment=second)
    assert "'first' is already running" in refused.value.message_dict["status"][0]
    assert Experiment.objects.get(key="second").status == "draft"
    make_experiment(merchant_b, running=True)  # another merchant may run its own
    make_experiment(None, running=True)  # and so may the platform
    with pytest.raises(ValidationError):
        make_experiment(None, running=True)


def test_start_and_stop_are_compare_and_set_and_audited(merchant_a, staff_a):
    experiment = make_experiment(merchant_a)
    experiment_start(actor=staff_a, experiment=experiment)
    with pytest.raises(ValidationError, match="Only a draft"):
        experiment_start(actor=staff_a, experiment=experiment)
    experiment_stop(actor=staff_a, experiment=experiment)
    with pytest.raises(ValidationError, match="Only a running"):
        experiment_stop(actor=staff_a, experiment=experiment)
    experiment.refresh_from_db()
    assert experiment.status == "stopped" and experiment.started_at <= experiment.stopped_at
    summaries = list(AuditLog.objects.filter(object_id=str(experiment.pk), actor=staff_a).values_list("summary", flat=True))
    assert f"Started experiment {experiment.key}" in summaries and f"Stopped experiment {experiment.key}" in summaries


@pytest.mark.parametrize(
    "variants, message",
    [
        ([VariantSpec("control", is_control=True)], "at least one other"),
        ([VariantSpec("a"), VariantSpec("b")], "Exactly one variant"),
        ([VariantSpec("a", is_control=True), VariantSpec("a")], "unique"),
        ([VariantSpec("control", is_control=True), VariantSpec("holdout")], "reserved"),
        ([VariantSpec("control", is_control=True), VariantSpec("b", weight=0)], "greater than 0"),
        ([VariantSpec("control", is_control=True), VariantSpec("b", params={"strategy": "random"})], "Unknown strategy"),
        ([VariantSpec("control", is_control=True), VariantSpec("b", params={"weights": {"cf": -1}})], "non-negative"),
        ([VariantSpec("control", is_control=True), VariantSpec("b", params={"weights": {}})], "non-empty"),
        ([VariantSpec("control", is_control=True), VariantSpec("b", params={"colour": "red"})], "Unknown params"),
    ],
)
def test_variants_are_validated(merchant_a, variants, message):
    with pytest.raises(ValidationError, match=message):
        make_experiment(merchant_a, variants=variants)
    assert not Experiment.objects.exists()


def test_blend_weights_are_accepted_and_normalised_to_floats(merchant_a):
    experiment = make_experiment(merchant_a, variants=[
        VariantSpec("control", is_control=True), VariantSpec("cf-heavy", params={"weights": {"cf": 2, "content": 0.5}}),
    ])
    assert experiment.variants.get(key="cf-heavy").params == {"weights": {"cf": 2.0, "content": 0.5}}


def test_allocation_is_locked_once_running(merchant_a):
    experiment = make_experiment(merchant_a, running=True)
    with pytest.raises(ValidationError) as refused:
        experiment_update(actor=None, experiment=experiment, holdout_share=0.2,
                          variants=[VariantSpec("control", is_control=True), VariantSpec("x")])
    assert set(refused.value.message_dict) == {"holdout_share", "variants"}
    experiment_update(actor=None, experiment=experiment, name="Renamed")
    assert Experiment.objects.get(pk=experiment.pk).name == "Renamed"


def test_exposure_records_the_unit_once_per_experiment(merchant_a):
    experiment = make_experiment(merchant_a, running=True)
    assignment = experiment_assign(surface="recommendations", unit_id="C-7", merchant_id=merchant_a.pk)
    first = exposure_record(assignment=assignment, surface="recommendations", unit_id="C-7",
                            merchant_id=merchant_a.pk, items=["P1", "P2"])
    second = exposure_record(assignment=assignment, surface="recommendations", unit_id="C-7",
                             merchant_id=merchant_a.pk, items=["P3"])
    assert first != second and len(first) == 32
    stored = Exposure.objects.get(id=first)
    assert (stored.experiment, stored.arm, stored.items) == (experiment, assignment.variant_key, ["P1", "P2"])
    unit = ExposureUnit.objects.get(experiment=experiment)
    assert (unit.unit_id, unit.arm) == ("C-7", assignment.variant_key)


def test_exposure_without_experiment_is_still_recorded(merchant_a):
    rid = exposure_record(assignment=None, surface="recommendations", unit_id="C-1", merchant_id=merchant_a.pk, items=["P1"])
    stored = Exposure.objects.get(id=rid)
    assert (stored.experiment, stored.arm, stored.merchant) == (None, "", merchant_a)
    assert not ExposureUnit.objects.exists()
    with pytest.raises(ValidationError):
        exposure_record(assignment=None, surface="recommendations", unit_id="", merchant_id=None, items=[])


def test_assignment_reads_no_database_while_nothing_changed(merchant_a, settings, django_assert_num_queries):
    settings.EXPERIMENTS_CONFIG_MAX_AGE_SECONDS = 60
    make_experiment(merchant_a, running=True)
    experiment_assign(surface="recommendations", unit_id="warm", merchant_id=merchant_a.pk)
    with django_assert_num_queries(0):
        for i in range(100):
            experiment_assign(surface="recommendations", unit_id=f"C{i}", merchant_id=merchant_a.pk)


def test_unknown_surface_is_refused_before_anything_is_written(merchant_a):
    with pytest.raises(ValidationError) as refused:
        make_experiment(merchant_a, surface="checkout-page", variants=[VariantSpec("only", is_control=True)])
    assert set(refused.value.message_dict) == {"surface"}
    assert not Experiment.objects.exists()
