"""`train fair_price`: holdout figures against the category median, the gate, suggestions written."""
from __future__ import annotations

import pytest

from apps.mlops.models import Stage, TrainingRun
from apps.mlops.pipeline import TrainingOptions, TrainingRefused, training_start_and_execute
from apps.pricing.models import PriceSuggestion
from tests import factories


def test_training_registers_promotes_and_writes_a_suggestion_per_listing(trained, catalog):
    version = trained.version
    assert trained.promoted and version.stage == Stage.PRODUCTION
    metrics = version.metrics
    # Attributes drive price in this catalog: the model must beat the category median clearly.
    assert metrics["mape"] < metrics["baseline_mape"]
    assert metrics["skill"] > 0.2
    assert 0 < metrics["coverage"] <= 1 and metrics["coverage_target"] == 0.8
    assert version.row_counts["listings"] == len(catalog)
    stored = PriceSuggestion.objects.filter(source=PriceSuggestion.Source.MODEL, model_version=version)
    assert stored.count() == len(catalog)
    assert all(s.low <= s.mid <= s.high for s in stored)


def test_a_silver_listing_gets_a_higher_range_than_a_ceramic_one(trained, catalog):
    ranges = {p.pk: p.price_suggestion for p in catalog}
    plain_mugs = [p for p in catalog if p.category.path.endswith("Mugs") and not p.customisable]
    silver = [ranges[p.pk].mid for p in plain_mugs if p.attributes["materials"] == ["silver"]]
    ceramic = [ranges[p.pk].mid for p in plain_mugs if p.attributes["materials"] == ["ceramic"]]
    assert min(silver) > max(ceramic)


@pytest.mark.django_db
def test_too_few_listings_are_refused_with_the_reason(merchant_a):
    factories.ProductFactory.create_batch(5, merchant=merchant_a)
    with pytest.raises(TrainingRefused, match="at least 50"):
        training_start_and_execute(name="fair_price", options=TrainingOptions())
    assert TrainingRun.objects.get(name="fair_price").status == TrainingRun.Status.FAILED
