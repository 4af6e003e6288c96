"""A single scored payment on PostgreSQL: payment, assessment and merchant link in one statement."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.customers.models import Customer, MerchantCustomer
from apps.fraud.models import Assessment
from apps.fraud.payment_insert import payment_insert
from apps.orders.models import Payment
from tests.conftest import require_service
from tests.fraud.scoring_support import T0, clean_velocity, payment_body  # noqa: F401
from tests.fraud.test_copy_insert import _payments

pytestmark = [pytest.mark.usefixtures("clean_velocity"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def postgres():
    require_service(connection.vendor == "postgresql", "PostgreSQL")


def test_an_approved_payment_is_stored_by_one_statement(api_a, merchant_a):
    Customer.objects.create(external_id="C1", country="GB")  # known: no stub customer to create
    with CaptureQueriesContext(connection) as queries:
        response = api_a.post("/api/v1/fraud/score", payment_body("ONE", amount="12.00"), format="json")
    assert response.status_code == 201 and response.json()["decision"] == "approve"
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "WITH", "UPDATE", "BEGIN"))]
    writes = [sql for sql in writes if "accounts_apitoken" not in sql]  # the token's last use, first call of the day
    assert len(writes) == 1 and writes[0].startswith("WITH payment AS (INSERT")
    replay_lookups = [q for q in queries if q["sql"].startswith('SELECT transaction_id FROM "orders_payment"')]
    assert not replay_lookups
    payment = Payment.objects.get(transaction_id="ONE")
    assessment = Assessment.objects.get(payment=payment)
    assert assessment.merchant_id == merchant_a.pk and assessment.reasons == response.json()["reasons"]
    assert MerchantCustomer.objects.filter(merchant=merchant_a, customer=payment.customer).exists()


def test_a_taken_transaction_id_inserts_nothing_and_says_so(merchant_a):
    customer = Customer.objects.create(external_id="C1")
    [first] = _payments(merchant_a, customer, "T", 1)
    assessment = Assessment(merchant=merchant_a, payment=first, decision="approve", score=0.1, rules_score=0.0)
    assert payment_insert(first, assessment, MerchantCustomer(merchant=merchant_a, customer=customer))
    assert first.pk and assessment.pk and assessment.payment is first and not assessment._state.adding
    [again] = _payments(merchant_a, customer, "T", 1)
    second = Assessment(merchant=merchant_a, payment=again, decision="decline", score=0.9, rules_score=0.0)
    assert not payment_insert(again, second, None)
    assert again.pk is None and second.pk is None
    assert Payment.objects.filter(transaction_id="T0").count() == 1 and Assessment.objects.count() == 1
    assert Assessment.objects.get().decision == "approve"
