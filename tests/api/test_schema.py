"""The OpenAPI schema is complete (no drf-spectacular warnings) and generated requests never cause a 5xx."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from apps.accounts.models import ApiToken
from config.wsgi import application
from tests import factories
from tests.bots.builders import bot_session_for


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/events/" in (tmp_path / "schema.yaml").read_text()


@dataclass
class Seeded:
    token: str
    # Per resource (the segment after /api/v1/): real values for path parameters and body fields.
    known: dict[str, dict[str, str]]


def _running_experiment(merchant):
    from tests.experiments.support import make_experiment

    return make_experiment(merchant, running=True)


@pytest.fixture
def seeded(merchant_a, merchant_b, staff_a) -> Seeded:
    """A merchant-staff bearer token, rows of both merchants, and A's ids for requests to hit."""
    for merchant in (merchant_b, merchant_a):
        order = factories.OrderFactory(merchant=merchant)
        item = factories.OrderItemFactory(order=order)
        payment = factories.PaymentFactory(merchant=merchant, order=order, customer=order.customer)
        review = factories.ReviewFactory(merchant=merchant, product=item.product)
        factories.EventFactory(merchant=merchant, product=item.product)
        factories.MerchantCustomerFactory(merchant=merchant, customer=order.customer)
    product = {"external_id": item.product.external_id, "product_id": item.product.external_id, "merchant": "MA"}
    known = {
        "products": product,
        "categories": {"slug": item.product.category.slug, "category": item.product.category.path},
        "merchants": {"slug": merchant_a.slug},
        "customers": {"external_id": order.customer.external_id, "merchant": "MA"},
        "orders": {"number": order.number, "merchant": "MA", "status": "paid"},
        "payments": {"transaction_id": payment.transaction_id, "merchant": "MA", "order": order.number},
        "reviews": {"id": str(review.pk), **product},
        "events": product,
        # The model registry refuses merchant staff (403) whatever the ids.
        "model-versions": {},
        "training-runs": {},
        "drift-reports": {},
        "canaries": {},
        "fraud": {"slug": merchant_a.slug, "merchant": "MA"},
        # Staff read shoppers' alerts (customer_id narrows) and may not change them (403).
        "alerts": {"customer_id": order.customer.external_id},
        "search": {"merchant": "MA"},
        # Chat: A's storefront (slug) and a customer of A for the shopper token.
        "chat": {"merchant": merchant_a.slug, "customer_id": order.customer.external_id},
        "segmentation": {},
        # Abuse findings of A's shop (the merchant filter takes a slug); detection is for the fraud team (403).
        "abuse": {"merchant": merchant_a.slug},
        # Price outliers of A's shop (the merchant filter takes a slug).
        "pricing": {"merchant": merchant_a.slug},
        # A's flagged session (paths name it by id); scoring names A's storefront and its events' session.
        "bot-sessions": {"id": str(bot_session_for(merchant_a).pk), "merchant": merchant_a.slug, "session_id": "s1"},
        # Risk scores of A's shop (the merchant filter and refresh body take a slug).
        "risk-scores": {"merchant": merchant_a.slug},
        # Analytics dashboards: GETs whose filters are query parameters only.
        "analytics": {},
        # A's running experiment (paths name it by key; the assignment body names the storefront).
        "experiments": {"key": _running_experiment(merchant_a).key, "merchant_id": "MA", "surface": "recommendations"},
        # Recommendations for A's customer, products like A's product (external_id names either).
        "recommendations": {
            "external_id": order.customer.external_id, "customer_id": order.customer.external_id,
            "product_id": item.product.external_id, "merchant": "MA",
        },
    }
    return Seeded(token=ApiToken.issue(user=staff_a)[1], known=known)


def _make_realistic(case, known: dict[str, str]) -> None:
    """Point the case at real rows of the caller's merchant, so services run, not just validation."""
    if case.path_parameters:
        case.path_parameters = {name: known.get(name, value) for name, value in case.path_parameters.items()}
    if isinstance(case.body, dict):
        case.body.update({name: value for name, value in known.items() if name in case.body})


@pytest.fixture
def keep_test_connection():
    """Stop the WSGI handler closing the connection that holds the test transaction.

    Django's own test client does the same; on PostgreSQL the handler would otherwise close
    the connection at the end of each request, because it is not in autocommit mode.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Per operation, half of them pointed at real rows. 16 keeps a laptop's `make test` well under a
# minute; CI (.ci/run) asks for a larger cut through SCHEMA_FUZZ_EXAMPLES.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "16"))


def _fuzz(operation, *, headers: dict[str, str], known: dict[str, str]) -> int:
    """Run generated cases against one operation; returns how many were sent."""
    calls = 0

    @given(case=operation.as_strategy(), realistic=st.booleans())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case, realistic: bool) -> None:
        nonlocal calls
        calls += 1
        if realistic:
            _make_realistic(case, known)
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error], headers=headers)

    call()
    return calls


@pytest.mark.django_db
def test_generated_requests_never_cause_a_server_error(seeded, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Bearer {seeded.token}"}
    # Deleting a product cascades to its reviews: run deletes last so the others find their rows.
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=lambda op: op.method == "delete")
    assert len(operations) >= 20
    calls = sum(
        _fuzz(operation, headers=headers, known=seeded.known[operation.path.split("/")[3]]) for operation in operations
    )
    assert calls >= 300
