"""Every /api/v1/ route, found by walking the URL conf, and the registry saying how to build a
row of each merchant for it. A route without an entry fails the tenancy tests, so a new
endpoint cannot skip them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from apps.fraud.cases import case_claim
from apps.fraud.models import ListEntry, Rule, WebhookDelivery, WebhookEndpoint
from apps.merchants.models import Merchant
from apps.mlops.models import TrainingRun
from apps.mlops.services import ModelCard, model_promote, model_register
from tests import factories
from tests.fraud.case_factories import make_assessment, make_case
from tests.segments.builders import segment_for

API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class RouteCase:
    make: Callable[[Merchant], models.Model]
    key: str  # the attribute a list row / URL kwarg identifies the object by
    merchant_owned: bool = True
    method: str = "get"
    body: dict | None = None


def _order(merchant: Merchant):
    order = factories.OrderFactory(merchant=merchant)
    factories.OrderItemFactory(order=order)
    return order


def _customer(merchant: Merchant):
    return factories.MerchantCustomerFactory(merchant=merchant).customer


PRODUCT = RouteCase(lambda m: factories.ProductFactory(merchant=m), "external_id")
CATEGORY = RouteCase(lambda m: factories.CategoryFactory(), "slug", merchant_owned=False)
MERCHANT = RouteCase(lambda m: m, "slug")
CUSTOMER = RouteCase(_customer, "external_id")
ORDER = RouteCase(_order, "number")
PAYMENT = RouteCase(lambda m: factories.PaymentFactory(merchant=m), "transaction_id")
REVIEW = RouteCase(lambda m: factories.ReviewFactory(merchant=m), "pk")
EVENT = RouteCase(lambda m: factories.EventFactory(merchant=m), "external_id")

LIST_ROUTES: dict[str, RouteCase] = {
    "product-list": PRODUCT,
    "category-list": CATEGORY,
    "merchant-list": MERCHANT,
    "customer-list": CUSTOMER,
    "order-list": ORDER,
    "payment-list": PAYMENT,
    "review-list": REVIEW,
    "event-list": EVENT,
}
DETAIL_ROUTES: dict[str, RouteCase] = {
    "product-detail": PRODUCT,
    "category-detail": CATEGORY,
    "merchant-detail": MERCHANT,
    "customer-detail": CUSTOMER,
    "order-detail": ORDER,
    "payment-detail": PAYMENT,
    "review-detail": REVIEW,
    "order-transition": RouteCase(_order, "number", method="post", body={"status": "paid"}),
}


def _model_version(merchant: Merchant):
    return model_register(name="fraud", obj={"weights": [1]}, card=ModelCard({}, {}, [], None, None, {}))


def _production_model(merchant: Merchant):
    return model_promote(version=_model_version(merchant))


def _drift_report(merchant: Merchant):
    from django.utils import timezone

    from apps.mlops.models import DriftReport

    now = timezone.now()
    return DriftReport.objects.create(model_version=_model_version(merchant), window_start=now, window_end=now, status="no_data")


def _training_run(merchant: Merchant):
    return TrainingRun.objects.create(name="fraud", status=TrainingRun.Status.SUCCEEDED)


def _canary(merchant: Merchant):
    from apps.mlops.canary import canary_set

    _production_model(merchant)
    return canary_set(name="fraud", version=_model_version(merchant), share=10)


# Platform-only routes (the model registry): refused (403) to merchant staff whatever the
# object, so they are checked by role instead of by tenancy. `make` ignores the merchant.
PLATFORM_LIST_ROUTES: dict[str, RouteCase] = {
    "modelversion-list": RouteCase(_model_version, "pk", merchant_owned=False),
    "modelversion-rollback": RouteCase(_model_version, "pk", merchant_owned=False, method="post", body={"name": "fraud"}),
    "trainingrun-list": RouteCase(_training_run, "pk", merchant_owned=False),
    "driftreport-list": RouteCase(_drift_report, "pk", merchant_owned=False),
    "driftreport-check": RouteCase(_production_model, "pk", merchant_owned=False, method="post", body={"name": "fraud"}),
    "canary-list": RouteCase(_canary, "name", merchant_owned=False),
}
PLATFORM_DETAIL_ROUTES: dict[str, RouteCase] = {
    "modelversion-detail": RouteCase(_model_version, "pk", merchant_owned=False),
    "modelversion-promote": RouteCase(_model_version, "pk", merchant_owned=False, method="post"),
    "trainingrun-detail": RouteCase(_training_run, "pk", merchant_owned=False),
    "driftreport-detail": RouteCase(_drift_report, "pk", merchant_owned=False),
    "canary-detail": RouteCase(_canary, "name", merchant_owned=False),
    "canary-stop": RouteCase(_canary, "name", merchant_owned=False, method="post"),
    "canary-promote": RouteCase(_canary, "name", merchant_owned=False, method="post"),
}


def _webhook_endpoint(merchant: Merchant):
    return WebhookEndpoint.objects.create(merchant=merchant, url="https://example.invalid/hooks", secret="whsec_test")


def _dead_delivery(merchant: Merchant):
    return WebhookDelivery.objects.create(
        endpoint=_webhook_endpoint(merchant), event="decision", payload={}, status=WebhookDelivery.Status.DEAD
    )


def _claimed_case(merchant: Merchant):
    case = make_case(merchant)
    case_claim(case=case, actor=factories.UserFactory(role="fraud_analyst"))
    return case


CASE = RouteCase(make_case, "pk")
RISK_SETTINGS = RouteCase(lambda m: m, "slug")
WEBHOOK_ENDPOINT = RouteCase(_webhook_endpoint, "pk")
WEBHOOK_DELIVERY = RouteCase(_dead_delivery, "pk")
LIST_ROUTES |= {
    "fraud-case-list": CASE,
    "fraud-risk-settings-list": RISK_SETTINGS,
    "fraud-webhook-endpoint-list": WEBHOOK_ENDPOINT,
    "fraud-webhook-delivery-list": WEBHOOK_DELIVERY,
}
DETAIL_ROUTES |= {
    "fraud-case-detail": CASE,
    "fraud-risk-settings-detail": RISK_SETTINGS,
    "fraud-webhook-endpoint-detail": WEBHOOK_ENDPOINT,
    "fraud-webhook-delivery-detail": WEBHOOK_DELIVERY,
    "fraud-webhook-delivery-redeliver": RouteCase(_dead_delivery, "pk", method="post"),
    # The chat widget's allowed origins, addressed by merchant slug (PUT is tested in tests/chat/test_origins.py).
    "chat-widget-settings": RouteCase(lambda m: m, "slug"),
}
# Working review cases is for analysts and admins: merchant staff read their cases (above) but get
# 403 on these; that another merchant's case is a 404 is tested in tests/fraud/test_cases_api.py.
PLATFORM_LIST_ROUTES |= {
    "fraud-case-bulk": RouteCase(make_case, "pk", method="post", body={"case_ids": [1], "action": "claim"}),
}
PLATFORM_DETAIL_ROUTES |= {
    "fraud-case-claim": RouteCase(make_case, "pk", method="post"),
    "fraud-case-release": RouteCase(_claimed_case, "pk", method="post"),
    "fraud-case-assign": RouteCase(make_case, "pk", method="post", body={"assignee": "admin1"}),
    "fraud-case-snooze": RouteCase(make_case, "pk", method="post", body={"until": "2999-01-01T00:00:00Z"}),
    "fraud-case-notes": RouteCase(make_case, "pk", method="post", body={"text": "checked"}),
    "fraud-case-decide": RouteCase(make_case, "pk", method="post", body={"outcome": "approved", "is_fraud": False}),
}
def _assessed_payment(merchant: Merchant):
    """A scored payment; list rows and URLs name it by transaction id."""
    return make_assessment(merchant, decision="approve").payment


def _rule(merchant: Merchant):
    return Rule.objects.create(name=f"RULE_{merchant.external_id}_{Rule.objects.count()}", condition="amount > 100")


def _list_entry(merchant: Merchant):
    value = f"card-{merchant.external_id}-{ListEntry.objects.count()}"
    return ListEntry.objects.create(list_type="block", kind="card", value=value)


def _score_body(merchant: Merchant) -> dict:
    return {
        "transaction_id": f"TX-{merchant.external_id}",
        "customer_id": "C-ROUTES",
        "merchant_id": merchant.external_id,
        "amount": "10.00",
        "currency": "USD",
        "card_id": "K1",
        "device_id": "D1",
        "ip_address": "81.2.69.142",
        "merchant_category": "mugs",
    }


ASSESSMENT = RouteCase(_assessed_payment, "transaction_id")
RULE = RouteCase(_rule, "name", merchant_owned=False)
LIST_ENTRY = RouteCase(_list_entry, "pk", merchant_owned=False)
LIST_ROUTES |= {"fraud-assessment-list": ASSESSMENT, "fraud-rule-list": RULE}
DETAIL_ROUTES |= {"fraud-assessment-detail": ASSESSMENT, "fraud-rule-detail": RULE}
# Allow and block lists hold customers' data across merchants: fraud team only.
PLATFORM_LIST_ROUTES |= {"fraud-list-entry-list": LIST_ENTRY}
PLATFORM_DETAIL_ROUTES |= {"fraud-list-entry-detail": LIST_ENTRY}


@dataclass(frozen=True)
class ActionCase:
    """A POST without a URL kwarg whose body may name a merchant (`merchant_field`): naming another
    merchant must be the same field error as naming an unknown one."""

    body: Callable[[Merchant], dict]
    merchant_field: str | None = None


ACTION_ROUTES: dict[str, ActionCase] = {
    "fraud-score": ActionCase(_score_body, "merchant_id"),
    "fraud-score-batch": ActionCase(lambda m: {"transactions": [_score_body(m)]}, "transactions"),
    "fraud-rule-backtest": ActionCase(
        lambda m: {"condition": "amount > 1", "start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}
    ),
}
# Segmentation: a merchant's segments and customers' places in them; training queues a run
# for the caller's own merchants (no merchant field to name another's).
SEGMENT = RouteCase(lambda m: segment_for(m, _customer(m), new_run=False), "pk")
LIST_ROUTES |= {"segmentation-segment-list": SEGMENT}
DETAIL_ROUTES |= {
    "segmentation-segment-insights": SEGMENT,
    "customer-segment": RouteCase(lambda m: segment_for(m, _customer(m)).memberships.get().customer, "external_id"),
}
ACTION_ROUTES |= {"segmentation-train": ActionCase(lambda m: {})}


# Risk scores: customer rows of a shop; seller rows (platform staff only) in tests/risk/test_api.py.
def _risk_score(merchant: Merchant):
    from django.utils import timezone

    from apps.risk.models import RiskScore

    return RiskScore.objects.create(
        merchant=merchant, subject="customer", customer=_customer(merchant), score=0.8, band="high", computed_at=timezone.now()
    )


LIST_ROUTES |= {"risk-score-list": RouteCase(_risk_score, "pk")}
DETAIL_ROUTES |= {
    "risk-score-detail": RouteCase(_risk_score, "pk"),
    "customer-risk": RouteCase(lambda m: _risk_score(m).customer, "external_id"),
}
ACTION_ROUTES |= {"risk-score-refresh": ActionCase(lambda m: {"merchant": m.slug}, "merchant")}

# The field a list row shows for RouteCase.key (rows show external ids, not database ids).
ROW_FIELD = {"external_id": ("external_id", "event_id"), "pk": ("id",), "slug": ("slug", "merchant")}


# Alerts: shoppers call these routes for themselves, staff for their merchants' customers. The
# customer_user fixture is a customer login linked to no shopper profile, hence refused (403);
# shoppers' own access is tested in tests/alerts/test_api.py. Recommendation rows name the
# customer by `customer_id` (its external id).
def _alert_preference(merchant: Merchant):
    from apps.alerts.models import AlertPreference

    return AlertPreference.objects.create(customer=_customer(merchant), alert_type="new_merchant", enabled=True)


ROW_FIELD["external_id"] += ("customer_id",)
LIST_ROUTES |= {"alert-recommendation-list": CUSTOMER, "alert-preference-list": RouteCase(_alert_preference, "pk")}

# Review intelligence: insights of a product (by external id) or a merchant (by slug); analyse a text.
DETAIL_ROUTES |= {"review-product-insights": PRODUCT, "review-merchant-insights": MERCHANT}
ACTION_ROUTES |= {"review-analyze": ActionCase(lambda m: {"text": "Great mug but slow delivery."})}


# Recommendations: a shopper's list (by customer external id) and products like a product. The
# explain route names a customer AND a product, which a one-argument RouteCase cannot build: it is
# listed in MULTI_ARGUMENT_ROUTES with the test file that checks its tenancy and roles instead.
DETAIL_ROUTES |= {"recommendations-user": CUSTOMER, "recommendations-similar": PRODUCT}
MULTI_ARGUMENT_ROUTES: dict[str, str] = {"recommendations-explain": "tests/recommendations/test_api.py"}


# Chat: a merchant's backend exchanges its customer's id for a signed shopper token.
ACTION_ROUTES |= {
    "chat-token": ActionCase(lambda m: {"merchant": m.slug, "customer_id": _customer(m).external_id}, "merchant"),
}
# Shopper-facing routes: anonymous visitors and customers reach only their own conversation
# (found from their identity, never from an id they send), so the staff tenancy checks above do
# not apply; where their access is tested instead:
SHOPPER_ROUTES = {"chat-messages": "tests/chat/test_api.py"}


# Experiments, by key: a merchant's draft (started by the start route), or a running one (stopped);
# the assignment route names the storefront's merchant in its body.
def _experiment(merchant: Merchant, *, running: bool = False):
    from tests.experiments.support import make_experiment

    return make_experiment(merchant, running=running)


EXPERIMENT = RouteCase(_experiment, "key")
LIST_ROUTES |= {"experiment-list": EXPERIMENT}


# Analytics: anomalies are a list of rows by id. The dashboards answer one `results` entry per
# merchant in scope (not rows that grow with data), so their tenancy and roles are checked per
# endpoint in tests/analytics/test_api.py instead of by the list tests here.
def _anomaly(merchant: Merchant):
    from datetime import timedelta

    from django.utils import timezone

    from apps.analytics.models import KpiAnomaly

    day = timezone.now().date() - timedelta(days=KpiAnomaly.objects.filter(merchant=merchant).count())
    return KpiAnomaly.objects.create(
        merchant=merchant, kpi="revenue", day=day, value=9.0, expected=1.0, lower=0.0, upper=2.0, direction=1
    )


LIST_ROUTES |= {"analytics-anomalies": RouteCase(_anomaly, "pk")}
MULTI_ARGUMENT_ROUTES |= {
    f"analytics-{name}": "tests/analytics/test_api.py"
    for name in ("kpis", "affinity", "cross-sell", "funnel", "cohorts", "sellers")
}
DETAIL_ROUTES |= {
    "experiment-detail": EXPERIMENT,
    "experiment-results": EXPERIMENT,
    "experiment-start": RouteCase(_experiment, "key", method="post"),
    "experiment-stop": RouteCase(lambda m: _experiment(m, running=True), "key", method="post"),
}
ACTION_ROUTES |= {
    "experiment-assignment": ActionCase(
        lambda m: {"surface": "recommendations", "unit_id": "C-1", "merchant_id": m.external_id}, "merchant_id"
    ),
}


# Tagging: suggestions for a draft's text (no merchant named) or for a stored product. Search:
# without `q` the search browses the caller's storefronts (rows are products); synonyms by id.
def _synonym(merchant: Merchant):
    from apps.search.models import SearchSynonym

    return SearchSynonym.objects.create(merchant=merchant, term=f"term {SearchSynonym.objects.count()}", synonyms=["alias"])


SYNONYM = RouteCase(_synonym, "pk")
LIST_ROUTES |= {"search": PRODUCT, "search-synonym-list": SYNONYM}
DETAIL_ROUTES |= {
    "search-synonym-detail": SYNONYM,
    "product-tags-suggest-for-product": RouteCase(PRODUCT.make, "external_id", method="post"),
}
ACTION_ROUTES |= {"product-tags-suggest": ActionCase(lambda m: {"title": "Personalised Mug", "description": "Ceramic."})}


# Bot sessions: a merchant's flagged sessions by id; the score action judges a stored session of the
# merchant its body names (the body builder stores that session's events).
def _bot_session(merchant: Merchant):
    from tests.bots.builders import bot_session_for

    return bot_session_for(merchant)


def _bot_score_body(merchant: Merchant) -> dict:
    from tests.bots.builders import scorable_session

    return {"merchant": merchant.slug, "session_id": scorable_session(merchant)}


LIST_ROUTES |= {"bot-session-list": RouteCase(_bot_session, "pk")}
DETAIL_ROUTES |= {"bot-session-detail": RouteCase(_bot_session, "pk")}
ACTION_ROUTES |= {"bot-session-score": ActionCase(_bot_score_body, "merchant")}


# Abuse: scalping flags and rings by id (a merchant sees those about its own shop); re-running
# detection over every merchant is for the fraud team.
def _scalping_flag(merchant: Merchant):
    from tests.abuse.builders import make_scalping_flag

    return make_scalping_flag(merchant)


def _ring(merchant: Merchant):
    from tests.abuse.builders import make_ring

    return make_ring(merchant, _customer(merchant))


LIST_ROUTES |= {"abuse-scalping-flag-list": RouteCase(_scalping_flag, "pk"), "abuse-ring-list": RouteCase(_ring, "pk")}
DETAIL_ROUTES |= {"abuse-scalping-flag-detail": RouteCase(_scalping_flag, "pk"), "abuse-ring-detail": RouteCase(_ring, "pk")}
PLATFORM_LIST_ROUTES |= {
    "abuse-detect": RouteCase(lambda m: m, "pk", merchant_owned=False, method="post", body={"kinds": ["rings"]}),
}


# Pricing: a product's fair price range (computed on read; without a model, the category quartiles)
# and the listings priced outside theirs (rows name the product by external id).
def _price_outlier(merchant: Merchant):
    from tests.pricing.builders import outlier_product

    return outlier_product(merchant)


DETAIL_ROUTES |= {"product-fair-price": PRODUCT}
LIST_ROUTES |= {"pricing-outlier-list": RouteCase(_price_outlier, "external_id")}


def api_route_names() -> set[str]:
    """Names of every URL pattern under /api/v1/, however deeply included (MULTI_ARGUMENT_ROUTES excepted)."""
    names: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith(API_PREFIX):
                if pattern.name not in SHOPPER_ROUTES:
                    names.add(pattern.name or route)

    walk(get_resolver().url_patterns, "")
    return names - MULTI_ARGUMENT_ROUTES.keys()


def row_key(row: dict, key: str):
    for field in ROW_FIELD.get(key, (key,)):
        if field in row:
            return row[field]
    raise KeyError(key)
