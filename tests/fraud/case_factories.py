"""Building scored payments and their review cases for the queue tests (plain functions, not fixtures)."""

from __future__ import annotations

from apps.customers.models import link_customers
from apps.fraud.cases import case_open
from apps.fraud.models import Assessment, ReviewCase
from tests import factories


def make_assessment(
    merchant, *, score: float = 0.7, flags: list[str] | None = None, decision: str = "review", **payment_fields
) -> Assessment:
    payment = factories.PaymentFactory(merchant=merchant, **payment_fields)
    link_customers({(merchant.pk, payment.customer_id)})
    return Assessment.objects.create(
        merchant=merchant,
        payment=payment,
        decision=decision,
        score=score,
        ml_score=score,
        flags=flags if flags is not None else ["VELOCITY_BREACH"],
        reasons=[{"text": "7 payments on this card in the last hour", "feature": "card_count_1h", "value": 7}],
        features={"card_count_1h": 7, "amount": float(payment.amount)},
    )


def make_case(merchant, **kwargs) -> ReviewCase:
    return case_open(assessment=make_assessment(merchant, **kwargs))
