"""Suggestions: the category fallback without a model, the model's once promoted, never a failure."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.schedules import PERIODIC_JOBS
from apps.mlops import selectors as mlops_selectors
from apps.pricing.models import PriceSuggestion
from apps.pricing.services import (
    CATEGORY_SUGGESTION_MAX_AGE,
    fair_price_for,
    suggestion_for_product,
    suggestions_refresh,
    suggestions_refresh_outdated,
)
from apps.pricing.tasks import refresh_suggestions_task
from tests import factories
from tests.pricing.builders import plant_catalog, suggest


@pytest.mark.django_db
def test_without_a_model_the_range_is_the_categorys_interquartile_range(merchant_a):
    category = factories.CategoryFactory(name="Mugs")
    for price in ("10", "20", "30", "40", "50"):
        factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(price))
    probe = factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal("200"))
    fair = fair_price_for(product=probe)
    suggestion = fair.suggestion
    assert suggestion.source == PriceSuggestion.Source.CATEGORY
    assert suggestion.category_level == category.path and suggestion.comparables == 6
    # Quartiles of 10, 20, 30, 40, 50, 200.
    assert (suggestion.low, suggestion.mid, suggestion.high) == (Decimal("22.50"), Decimal("35.00"), Decimal("47.50"))
    assert fair.position == "above" and fair.place == 1.1
    assert fair.error == {}


@pytest.mark.django_db
def test_a_stored_fallback_is_reused_and_a_repricing_changes_the_verdict_at_once(merchant_a, django_assert_max_num_queries):
    category = factories.CategoryFactory(name="Prints")
    prices = ("10", "20", "30", "40", "50")
    products = [factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(p)) for p in prices]
    assert suggestions_refresh_outdated() == len(products)
    first = PriceSuggestion.objects.get(product=products[0])
    assert fair_price_for(product=products[0]).position == "below"
    with django_assert_max_num_queries(2):
        assert suggestion_for_product(product=products[0]).pk == first.pk
    products[0].price = Decimal("30")
    products[0].save()
    assert fair_price_for(product=products[0]).position == "within"


@pytest.mark.django_db
def test_a_read_computes_a_missing_or_outdated_suggestion_without_storing_it(merchant_a):
    category = factories.CategoryFactory(name="Prints")
    products = [factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(p)) for p in ("10", "20", "30")]
    computed = suggestion_for_product(product=products[0])
    assert computed.pk is None and computed.source == PriceSuggestion.Source.CATEGORY and computed.comparables == 3
    assert not PriceSuggestion.objects.exists()
    old = suggest(products[1], "1.00", "2.00", "3.00")
    PriceSuggestion.objects.filter(pk=old.pk).update(
        computed_at=timezone.now() - CATEGORY_SUGGESTION_MAX_AGE - timedelta(minutes=1)
    )
    fresh = suggestion_for_product(product=products[1])
    assert fresh.pk is None and fresh.low == computed.low
    assert PriceSuggestion.objects.get(pk=old.pk).low == Decimal("1.00")


@pytest.mark.django_db
def test_the_refresh_job_stores_missing_and_outdated_suggestions_and_leaves_current_ones(merchant_a):
    category = factories.CategoryFactory(name="Prints")
    missing, outdated, current = (
        factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(p)) for p in ("10", "20", "30")
    )
    suggest(outdated, "1.00", "2.00", "3.00")
    PriceSuggestion.objects.filter(product=outdated).update(
        computed_at=timezone.now() - CATEGORY_SUGGESTION_MAX_AGE - timedelta(minutes=1)
    )
    kept = suggest(current, "5.00", "6.00", "7.00")
    assert refresh_suggestions_task.delay().get() == 2
    assert PriceSuggestion.objects.get(product=missing).source == PriceSuggestion.Source.CATEGORY
    assert PriceSuggestion.objects.get(product=outdated).low != Decimal("1.00")
    assert PriceSuggestion.objects.get(pk=kept.pk).low == Decimal("5.00")
    assert PERIODIC_JOBS["Refresh fair price suggestions"].task == refresh_suggestions_task.name


@pytest.mark.django_db
def test_no_priced_listing_anywhere_means_no_suggestion_not_an_error(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, price=Decimal("0"))
    fair = fair_price_for(product=product)
    assert not fair.available and fair.position is None and fair.place is None


def test_a_promoted_model_replaces_the_fallback_on_the_next_read(merchant_a, merchant_b):
    from apps.mlops.pipeline import TrainingOptions, training_start_and_execute

    products = plant_catalog([merchant_a, merchant_b])
    before = suggestion_for_product(product=products[0])
    assert before.source == PriceSuggestion.Source.CATEGORY
    _, outcome = training_start_and_execute(name="fair_price", options=TrainingOptions(promote=True))
    after = suggestion_for_product(product=products[0])
    assert after.source == PriceSuggestion.Source.MODEL and after.model_version == outcome.version
    assert set(fair_price_for(product=products[0]).error) >= {"mae", "mape", "coverage", "baseline_mape"}


def test_a_model_that_fails_to_load_degrades_to_the_category_range(trained, catalog, monkeypatch):
    PriceSuggestion.objects.all().delete()
    monkeypatch.setattr(mlops_selectors, "load_verified", lambda *a, **k: (_ for _ in ()).throw(OSError("gone")))
    mlops_selectors._cache.clear()
    suggestion = suggestion_for_product(product=catalog[0])
    assert suggestion.source == PriceSuggestion.Source.CATEGORY


def test_refresh_is_idempotent(trained, catalog):
    assert suggestions_refresh() == len(catalog)
    assert suggestions_refresh() == len(catalog)
    assert PriceSuggestion.objects.count() == len(catalog)


@pytest.mark.django_db
def test_the_command_stores_outdated_suggestions_or_all_of_them(merchant_a):
    from io import StringIO

    from django.core.management import call_command

    category = factories.CategoryFactory(name="Prints")
    for price in ("10", "20", "30"):
        factories.ProductFactory(merchant=merchant_a, category=category, price=Decimal(price))
    out = StringIO()
    call_command("refresh_price_suggestions", stdout=out)
    call_command("refresh_price_suggestions", stdout=out)
    call_command("refresh_price_suggestions", "--all", stdout=out)
    assert out.getvalue().splitlines() == [
        "Fair price suggestions: 3 stored.",
        "Fair price suggestions: 0 stored.",
        "Fair price suggestions: 3 stored.",
    ]
