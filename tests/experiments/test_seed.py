"""The demo command: a running experiment whose results page has attributed numbers."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.events.models import Event
from apps.experiments.demo import DEMO_KEY
from apps.experiments.models import Experiment, Exposure
from apps.experiments.selectors import experiment_results
from tests import factories

pytestmark = pytest.mark.django_db


def test_seed_experiments_simulates_attributed_traffic_once(merchant_a, django_capture_on_commit_callbacks):
    for i in range(8):
        factories.ProductFactory(merchant=merchant_a, external_id=f"P-{i}")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_experiments", shoppers=250, days=5, no_progress=True, stdout=StringIO())
    experiment = Experiment.objects.get(key=DEMO_KEY)
    assert (experiment.status, experiment.merchant) == ("running", merchant_a)
    results = experiment_results(experiment=experiment)
    by_arm = {arm.arm: arm.counts for arm in results.arms}
    assert sum(counts.units for counts in by_arm.values()) == 250
    assert sum(counts.impressions for counts in by_arm.values()) == Exposure.objects.count()
    assert sum(counts.clicks for counts in by_arm.values()) == Event.objects.filter(type="click").count() > 0
    assert by_arm["holdout"].units > 0
    out = StringIO()
    call_command("seed_experiments", if_empty=True, no_progress=True, stdout=out)
    assert "nothing to seed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("seed_experiments", no_progress=True, stdout=StringIO())


def test_seed_experiments_needs_products(merchant_a):
    with pytest.raises(CommandError, match="no active products"):
        call_command("seed_experiments", no_progress=True, stdout=StringIO())
    assert not Experiment.objects.exists()
