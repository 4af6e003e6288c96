"""Review insights pages: charts, summaries, topics, alerts, links, and tenancy beyond the route registry."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.reviews.analysis_service import reviews_analyze
from apps.reviews.insights import merchant_insights
from tests import factories
from tests.reviews.conftest import make_reviews, rated_texts


@pytest.fixture
def product(merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, external_id="P-PORTAL", title="Portal Mug")
    reviews_analyze(make_reviews(product, rated_texts(repeat=2)))
    return product


def _figures(html: str) -> dict[str, dict]:
    figures = {}
    for chart_id in ("chart-sentiment", "chart-aspects", "chart-topics"):
        start = html.index(f'id="{chart_id}-data"')
        body = html[html.index(">", start) + 1 : html.index("</script>", start)]
        figures[chart_id] = json.loads(body)
    return figures


def test_product_page_draws_three_charts_and_the_pros_and_cons(client, staff_a, product):
    client.force_login(staff_a)
    response = client.get(reverse("reviews:product-insights", args=[product.external_id]))
    assert response.status_code == 200
    html = response.content.decode()
    figures = _figures(html)
    sentiment_bars = {trace["name"]: trace for trace in figures["chart-sentiment"]["data"]}
    assert sum(sentiment_bars["Positive"]["y"]) == response.context["insights"].sentiment_counts["positive"]
    aspects = {trace["name"]: trace for trace in figures["chart-aspects"]["data"]}
    assert "delivery" in aspects["Positive"]["y"] and min(aspects["Negative"]["x"]) < 0
    assert "(no topic)" in figures["chart-topics"]["data"][0]["y"]
    assert 'data-section="pros"' in html and 'data-section="cons"' in html
    summary = response.context["insights"].summary
    assert summary.pros and summary.cons
    for point in [*summary.pros, *summary.cons]:
        assert escape(point.sentence) in html
    assert 'data-section="products"' not in html


def test_product_detail_links_to_its_insights(client, staff_a, product):
    client.force_login(staff_a)
    html = client.get(reverse("catalog:product-detail", args=[product.external_id])).content.decode()
    assert reverse("reviews:product-insights", args=[product.external_id]) in html


def test_review_list_links_to_the_merchant_insights(client, staff_a, product):
    client.force_login(staff_a)
    html = client.get(reverse("reviews:review-list")).content.decode()
    assert reverse("reviews:merchant-insights") in html


def test_merchant_page_lists_products_and_filters_by_merchant(client, platform_admin, product, merchant_b):
    other = factories.ProductFactory(merchant=merchant_b, title="Bravo Tote")
    reviews_analyze(make_reviews(other, rated_texts()))
    client.force_login(platform_admin)
    everything = client.get(reverse("reviews:merchant-insights")).content.decode()
    assert "Portal Mug" in everything and "Bravo Tote" in everything
    only_b = client.get(reverse("reviews:merchant-insights"), {"merchant": merchant_b.slug}).content.decode()
    assert "Bravo Tote" in only_b and "Portal Mug" not in only_b


def test_page_without_reviews_shows_empty_states(client, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("reviews:merchant-insights")).content.decode()
    assert "No analysed reviews yet" in html and "No reviews yet" in html


def test_negative_share_spike_raises_a_trend_alert_on_the_page(client, staff_a, merchant_a):
    product = factories.ProductFactory(merchant=merchant_a, title="Spiky Mug")
    start = timezone.now() - timedelta(weeks=11)
    rows = []
    for week in range(10):
        negatives = 6 if week == 9 else 1 + week % 2
        rows += [("Slow delivery, awful.", 1)] * negatives + [("Lovely mug, fast delivery.", 5)] * (10 - negatives)
    reviews = make_reviews(product, rows, step=timedelta(weeks=1) / 10, start=start)
    reviews_analyze(reviews)
    alerts = merchant_insights(user=staff_a).alerts
    assert "product: Spiky Mug" in {a.group for a in alerts}
    client.force_login(staff_a)
    html = client.get(reverse("reviews:merchant-insights")).content.decode()
    assert 'data-section="alerts"' in html and "product: Spiky Mug" in html
