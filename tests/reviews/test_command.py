"""`manage.py analyze_reviews`: backfill, re-analysis, scoping and its arguments."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.reviews.models import ReviewAnalysis
from tests import factories
from tests.reviews.conftest import make_reviews, rated_texts


def _run(*args) -> str:
    out = StringIO()
    call_command("analyze_reviews", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_backfill_analyses_missing_reviews_in_batches_and_is_idempotent(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a)
    reviews = make_reviews(product, rated_texts(repeat=3))
    assert "Analysed 27 review(s) with vader+domain" in _run("--batch-size", "4")
    assert ReviewAnalysis.objects.count() == len(reviews)
    assert "Analysed 0 review(s)" in _run()
    assert "Analysed 27 review(s)" in _run("--all")
    assert ReviewAnalysis.objects.count() == len(reviews)


def test_merchant_and_limit_narrow_the_backfill(merchant_a, merchant_b):
    make_reviews(factories.ProductFactory(merchant=merchant_a), rated_texts())
    make_reviews(factories.ProductFactory(merchant=merchant_b), rated_texts())
    assert "Analysed 2 review(s)" in _run("--merchant", merchant_b.slug, "--limit", "2")
    assert set(ReviewAnalysis.objects.values_list("review__merchant", flat=True)) == {merchant_b.pk}


def test_unknown_merchant_and_bad_sizes_are_errors(db):
    with pytest.raises(CommandError, match="nope"):
        _run("--merchant", "nope")
    with pytest.raises(CommandError, match="at least 1"):
        _run("--batch-size", "0")
