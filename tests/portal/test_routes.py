"""Every portal page, generated from the URL conf: who may open it and whose rows it shows.

ROUTES lists each portal route with how to build its URL for a merchant's shop and a text
that only that shop's rows contain. A new portal route fails `test_every_portal_route_is_registered`
until it is added here, so no page escapes the access checks below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from apps.fraud.models import Rule
from apps.mlops.services import ModelCard, model_promote, model_register
from tests import factories
from tests.fraud.case_factories import make_case
from tests.portal.conftest import Shop

# Not portal pages: the admin, the API and its docs, sign-in/out, the load balancer's probe.
# shop/ is the public demo storefront carrying the chat widget (tests/chat/test_views.py checks it).
# /metrics is Prometheus text guarded by METRICS_TOKEN (tests/fraud/test_metrics.py), not a portal page;
# /health and /ready are probes (tests/core/test_health.py).
NON_PORTAL_PREFIXES = ("admin/", "api/", "accounts/", "health", "ready", "metrics", "shop/")
# /alerts/ is the shopper's own alerts page: customers only, staff refused; no merchant rows, no ids
# in the URL (tests/alerts/test_page.py checks who may open it and that it shows only one's own).
NON_PORTAL_PREFIXES += ("alerts/",)


@dataclass(frozen=True)
class Route:
    marker: Callable[[Shop], str]  # text that only this shop's rows put on the page
    kwargs: Callable[[Shop], dict] | None = None  # None: a page without URL arguments
    # A list page with ?format=csv: the filter that narrows it to one shop's rows.
    csv_filter: Callable[[Shop], dict] | None = None


def _merchant_filter(shop: Shop) -> dict:
    return {"merchant": shop.merchant.slug}


ROUTES: dict[str, Route] = {
    "dashboard:home": Route(marker=lambda s: s.product.title),
    "catalog:product-list": Route(marker=lambda s: s.product.external_id, csv_filter=_merchant_filter),
    "catalog:product-detail": Route(marker=lambda s: s.order.number, kwargs=lambda s: {"external_id": s.product.external_id}),
    "orders:order-list": Route(marker=lambda s: s.order.number, csv_filter=_merchant_filter),
    "orders:order-detail": Route(marker=lambda s: s.customer.email, kwargs=lambda s: {"number": s.order.number}),
    "customers:customer-list": Route(marker=lambda s: s.customer.external_id, csv_filter=lambda s: {"q": s.customer.external_id}),
    "customers:customer-detail": Route(marker=lambda s: s.order.number, kwargs=lambda s: {"external_id": s.customer.external_id}),
    "reviews:review-list": Route(marker=lambda s: s.review.title, csv_filter=_merchant_filter),
    "reviews:review-detail": Route(marker=lambda s: escape(s.review.title), kwargs=lambda s: {"pk": s.review.pk}),
    # The "try it" picker lists the shop's recently active customers.
    "recommendations:home": Route(marker=lambda s: s.customer.external_id),
    "reviews:merchant-insights": Route(marker=lambda s: escape(s.product.title)),
    "reviews:product-insights": Route(
        marker=lambda s: escape(s.product.title), kwargs=lambda s: {"external_id": s.product.external_id}
    ),
    # Fraud pages open to merchant staff: their merchants' risk settings (read) and webhooks.
    "fraud:risk-settings": Route(marker=lambda s: escape(s.merchant.name)),
    "fraud:risk-settings-edit": Route(marker=lambda s: escape(s.merchant.name), kwargs=lambda s: {"slug": s.merchant.slug}),
    "fraud:webhooks": Route(marker=lambda s: escape(s.merchant.name)),
    # Chat overview: merchant staff read their merchants' chats; the merchant filter lists only theirs.
    "chat:overview": Route(marker=lambda s: escape(s.merchant.name)),
    # Chat FAQ: merchant staff list and edit their merchants' entries (the merchant choice names only theirs).
    "chat:faq-list": Route(marker=lambda s: escape(s.merchant.name)),
    "chat:faq-new": Route(marker=lambda s: escape(s.merchant.name)),
    "chat:faq-edit": Route(marker=lambda s: escape(s.merchant.name), kwargs=lambda s: {"pk": _faq_entry(s).pk}),
    # Chat widget origins: merchant staff list and edit their merchants' (origins tested in tests/chat/test_origins.py).
    "chat:widget-list": Route(marker=lambda s: escape(s.merchant.name)),
    "chat:widget-edit": Route(marker=lambda s: escape(s.merchant.name), kwargs=lambda s: {"slug": s.merchant.slug}),
}


def _experiment_kwargs(shop: Shop) -> dict:
    """The shop's experiment (made on first use), keyed `portal-<merchant slug>`."""
    from apps.experiments.models import Experiment
    from tests.experiments.support import make_experiment

    key = f"portal-{shop.merchant.slug}"
    if not Experiment.objects.filter(key=key).exists():
        make_experiment(shop.merchant, key=key)
    return {"key": key}


# Experiments: the list and the create form name the user's merchants (filter, merchant choice);
# the list's CSV is checked in tests/experiments/test_portal.py (a Shop has no experiment).
ROUTES |= {
    "experiments:list": Route(marker=lambda s: escape(s.merchant.name)),
    "experiments:create": Route(marker=lambda s: escape(s.merchant.name)),
    "experiments:detail": Route(marker=lambda s: f"portal-{s.merchant.slug}", kwargs=_experiment_kwargs),
    "experiments:edit": Route(marker=lambda s: f"portal-{s.merchant.slug}", kwargs=_experiment_kwargs),
}

# Analytics dashboards read rollups (a Shop has none built): each page names the merchants it covers
# and the merchant filter lists only the user's; numbers and CSV per merchant: tests/analytics/test_pages.py.
ROUTES |= {
    f"analytics:{page}": Route(marker=lambda s: escape(s.merchant.name))
    for page in ("trends", "affinity", "cross-sell", "funnel", "cohorts", "sellers")
}


def _segment_kwargs(shop: Shop) -> dict:
    """A one-segment segmentation of the shop holding its customer (made on first use)."""
    from apps.segments.models import Segment
    from tests.segments.builders import segment_for

    segment = Segment.objects.filter(run__merchant=shop.merchant).first() or segment_for(shop.merchant, shop.customer)
    return {"pk": segment.pk}


# Segments: the page names the merchant shown (platform staff pick among all); a segment's page lists
# its customers. Its CSV, the platform-wide scope and the merchant picker: tests/segments/test_pages.py.
ROUTES |= {
    "segments:home": Route(marker=lambda s: escape(s.merchant.name)),
    "segments:segment-detail": Route(marker=lambda s: s.customer.external_id, kwargs=_segment_kwargs),
}

# Tagging: the catalog editor's suggestions page of a product. Search: the merchandiser page lists
# each storefront in scope (a Shop has no searches); its query tables: tests/search/test_behaviour_and_insights.py.
ROUTES |= {
    "catalog:product-tags": Route(
        marker=lambda s: escape(s.product.title), kwargs=lambda s: {"external_id": s.product.external_id}
    ),
    "search:insights": Route(marker=lambda s: escape(s.merchant.name)),
}

# Risk: the page names the shops whose customers it ranks (platform staff: the merchant filter);
# its rows, CSV and sellers' rows (platform staff only): tests/risk/test_pages.py.
ROUTES |= {"risk:list": Route(marker=lambda s: escape(s.merchant.name))}


def _bot_session_kwargs(shop: Shop) -> dict:
    """The shop's flagged session `bot-<merchant slug>` (made on first use)."""
    from apps.bots.models import BotSession
    from tests.bots.builders import bot_session_for

    session_id = f"bot-{shop.merchant.slug}"
    session = BotSession.objects.filter(merchant=shop.merchant, session_id=session_id).first()
    return {"pk": (session or bot_session_for(shop.merchant, session_id=session_id)).pk}


# Bot sessions: the list names the merchants it covers (a Shop has no flagged session); a session's
# page shows its id. Rows, charts and CSV: tests/bots/test_pages.py.
ROUTES |= {
    "bots:list": Route(marker=lambda s: escape(s.merchant.name)),
    "bots:detail": Route(marker=lambda s: f"bot-{s.merchant.slug}", kwargs=_bot_session_kwargs),
}


def _faq_entry(shop: Shop):
    from apps.chat.models import FaqEntry

    return FaqEntry.objects.create(merchant=shop.merchant, question="Do you gift wrap?", answer="Yes, for 3.00.")


def _ring_kwargs(shop: Shop) -> dict:
    """A stored ring of the shop's customer at the shop (made on first use)."""
    from apps.abuse.models import Ring
    from tests.abuse.builders import make_ring

    ring = Ring.objects.filter(merchant=shop.merchant).first() or make_ring(shop.merchant, shop.customer)
    return {"pk": ring.pk}


# Abuse: the lists name the shops they cover (platform staff pick among all); a ring's page lists its
# buyers. Rows, CSV and the graph: tests/abuse/test_pages.py.
ROUTES |= {
    "abuse:scalping-list": Route(marker=lambda s: escape(s.merchant.name)),
    "abuse:ring-list": Route(marker=lambda s: escape(s.merchant.name)),
    "abuse:ring-detail": Route(marker=lambda s: s.customer.external_id, kwargs=_ring_kwargs),
}

# Pricing: the outliers page sums up each shop in scope (a Shop's one product is no outlier); rows,
# filters and CSV: tests/pricing/test_pages.py.
ROUTES |= {"pricing:outliers": Route(marker=lambda s: escape(s.merchant.name))}


@dataclass(frozen=True)
class PlatformRoute:
    """A page for platform staff only (models): merchant staff are refused (403), not scoped."""

    kwargs: Callable[[], dict] | None = None  # builds what the URL names; None: no URL arguments
    method: str = "get"


def _model_version_kwargs() -> dict:
    version = model_register(name="fraud", obj={"weights": [1]}, card=ModelCard({}, {}, [], None, None, {}))
    return {"pk": version.pk}


def _production_model_kwargs() -> dict:
    version = model_register(name="fraud", obj={"weights": [1]}, card=ModelCard({}, {}, [], None, None, {}))
    return {"name": model_promote(version=version).name}


PLATFORM_ROUTES: dict[str, PlatformRoute] = {
    "mlops:model-list": PlatformRoute(),
    "mlops:model-train": PlatformRoute(kwargs=lambda: {"name": "fraud"}, method="post"),
    "mlops:model-rollback": PlatformRoute(kwargs=lambda: {"name": "fraud"}, method="post"),
    "mlops:model-canary": PlatformRoute(kwargs=lambda: {"name": "fraud"}, method="post"),
    "mlops:model-canary-stop": PlatformRoute(kwargs=lambda: {"name": "fraud"}, method="post"),
    "mlops:model-canary-promote": PlatformRoute(kwargs=lambda: {"name": "fraud"}, method="post"),
    "mlops:version-promote": PlatformRoute(kwargs=_model_version_kwargs, method="post"),
    "mlops:monitoring": PlatformRoute(),
    "mlops:monitoring-check": PlatformRoute(kwargs=_production_model_kwargs, method="post"),
    "fraud:queue": PlatformRoute(),
    "fraud:case": PlatformRoute(kwargs=lambda: {"pk": make_case(factories.MerchantFactory()).pk}),
    "fraud:overview": PlatformRoute(),
    "fraud:rules": PlatformRoute(),
    "fraud:rule-edit": PlatformRoute(kwargs=lambda: {"name": Rule.objects.create(name="PORTAL", condition="amount > 1").name}),
    "fraud:lists": PlatformRoute(),
    "chat:inbox": PlatformRoute(),
    "risk:seller-detail": PlatformRoute(kwargs=lambda: {"slug": factories.MerchantFactory().slug}),
}

# Re-running abuse detection (a POST that redirects back to the list) is for the fraud team.
PLATFORM_ROUTES |= {"abuse:detect": PlatformRoute(method="post")}


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, ":".join(filter(None, [namespace, entry.name or "<unnamed>"]))


def portal_routes() -> set[str]:
    return {name for route, name in _walk(get_resolver().url_patterns) if not route.startswith(NON_PORTAL_PREFIXES)}


def url_for(name: str, shop: Shop) -> str:
    route = ROUTES[name]
    return reverse(name, kwargs=route.kwargs(shop) if route.kwargs else None)


LIST_ROUTES = [name for name, route in ROUTES.items() if route.kwargs is None]
DETAIL_ROUTES = [name for name, route in ROUTES.items() if route.kwargs is not None]
CSV_ROUTES = [name for name, route in ROUTES.items() if route.csv_filter]


def test_every_portal_route_is_registered():
    assert portal_routes() == set(ROUTES) | set(PLATFORM_ROUTES), "add the new portal route to ROUTES (or remove a stale entry)"


@pytest.mark.parametrize("name", ROUTES)
def test_anonymous_visitor_is_sent_to_login(name, login, shop_a):
    url = url_for(name, shop_a)
    response = login(None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ROUTES)
def test_customer_account_is_refused(name, login, customer_user, shop_a):
    response = login(customer_user).get(url_for(name, shop_a))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ROUTES)
def test_merchant_staff_sees_own_rows_and_no_others(name, login, staff_a, shop_a, shop_b):
    route = ROUTES[name]
    response = login(staff_a).get(url_for(name, shop_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert route.marker(shop_a) in html
    assert route.marker(shop_b) not in html
    assert shop_b.merchant.name not in html


@pytest.mark.parametrize("name", DETAIL_ROUTES)
def test_other_merchants_detail_page_is_not_found(name, login, staff_a, shop_a, shop_b):
    client = login(staff_a)
    foreign = client.get(url_for(name, shop_b))
    assert foreign.status_code == 404
    assert ROUTES[name].marker(shop_b) not in foreign.content.decode()


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_platform_admin_sees_every_merchant(name, login, platform_admin, shop_a, shop_b):
    html = login(platform_admin).get(url_for(name, shop_a)).content.decode()
    assert ROUTES[name].marker(shop_a) in html
    assert ROUTES[name].marker(shop_b) in html


@pytest.mark.parametrize("name", CSV_ROUTES)
def test_csv_export_holds_only_own_rows(name, login, staff_a, shop_a, shop_b):
    response = login(staff_a).get(url_for(name, shop_a), {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert ROUTES[name].marker(shop_a) in body
    assert ROUTES[name].marker(shop_b) not in body
    assert len(body.strip().splitlines()) == 2  # the header and A's one row


@pytest.mark.parametrize("name", CSV_ROUTES)
def test_csv_export_keeps_the_page_filters(name, login, platform_admin, shop_a, shop_b):
    params = {"format": "csv", **ROUTES[name].csv_filter(shop_b)}
    response = login(platform_admin).get(url_for(name, shop_a), params)
    body = b"".join(response.streaming_content).decode()
    assert ROUTES[name].marker(shop_b) in body
    assert ROUTES[name].marker(shop_a) not in body


@pytest.mark.parametrize("name", CSV_ROUTES)
def test_csv_export_is_refused_to_customers_and_anonymous(name, login, customer_user, shop_a):
    assert login(customer_user).get(url_for(name, shop_a), {"format": "csv"}).status_code == 403
    assert login(None).get(url_for(name, shop_a), {"format": "csv"}).status_code == 302


@pytest.mark.parametrize("name", PLATFORM_ROUTES)
def test_platform_page_refuses_merchant_staff_and_customers(name, login, staff_a, customer_user, platform_admin):
    route = PLATFORM_ROUTES[name]
    url = reverse(name, kwargs=route.kwargs() if route.kwargs else None)

    def call(user):
        return getattr(login(user), route.method)(url)

    anonymous = call(None)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{reverse('login')}?next={url}"
    assert call(customer_user).status_code == 403
    assert call(staff_a).status_code == 403
    assert call(platform_admin).status_code in (200, 302)
