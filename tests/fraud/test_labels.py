"""Fraud labels: a chargeback outranks an analyst, who outranks an imported label."""
from __future__ import annotations

import pytest

from apps.fraud.labels import ANALYST, CHARGEBACK, IMPORT, payments_label
from apps.orders.models import Payment
from tests import factories


@pytest.fixture
def payment(merchant_a):
    return factories.PaymentFactory(merchant=merchant_a, is_fraud=None, label_source="")


def _label(payment: Payment) -> tuple[bool | None, str]:
    payment.refresh_from_db()
    return payment.is_fraud, payment.label_source


def test_analyst_label_overrides_an_imported_one_and_repeats_are_no_ops(payment):
    assert payments_label(payment_ids=[payment.pk], is_fraud=False, source=IMPORT) == 1
    assert payments_label(payment_ids=[payment.pk], is_fraud=True, source=ANALYST) == 1
    assert _label(payment) == (True, ANALYST)
    assert payments_label(payment_ids=[payment.pk], is_fraud=True, source=ANALYST) == 0


def test_chargeback_overrides_an_analyst_who_cannot_undo_it(payment):
    payments_label(payment_ids=[payment.pk], is_fraud=False, source=ANALYST)
    assert payments_label(payment_ids=[payment.pk], is_fraud=True, source=CHARGEBACK) == 1
    assert payments_label(payment_ids=[payment.pk], is_fraud=False, source=ANALYST) == 0
    assert payments_label(payment_ids=[payment.pk], is_fraud=False, source=IMPORT) == 0
    assert _label(payment) == (True, CHARGEBACK)


def test_unknown_source_is_refused(payment):
    with pytest.raises(ValueError, match="unknown label source"):
        payments_label(payment_ids=[payment.pk], is_fraud=True, source="rumour")
