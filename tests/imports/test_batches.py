"""A batch is one transaction: a database failure rolls back all of it and only it."""
from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.db.models import QuerySet

from apps.customers.models import Customer, MerchantCustomer
from apps.merchants.models import Merchant
from apps.orders.models import Payment
from tests.imports.helpers import counts

HEADER = ["transaction_id", "timestamp", "customer_id", "merchant_id", "card_id", "amount", "currency"]


def test_database_error_rolls_back_the_whole_batch_only(db, write_csv, import_file):
    rows = [[f"TX-{n}", "2024-03-01T10:00:00Z", f"C-{n}", f"M-{n // 5}", f"card_{n}", "10.00", "GBP"] for n in range(12)]
    path = write_csv(HEADER, rows)
    real_bulk_create = QuerySet.bulk_create
    payment_writes = []

    def failing_second_payment_write(queryset, objs, *args, **kwargs):
        if queryset.model is Payment:
            payment_writes.append(len(objs))
            if len(payment_writes) == 2:
                raise OperationalError("disk full")
        return real_bulk_create(queryset, objs, *args, **kwargs)

    with mock.patch.object(QuerySet, "bulk_create", autospec=True, side_effect=failing_second_payment_write):
        report, rejects = import_file("transactions", path, batch_size=5)

    assert counts(report) == (12, 7, 0, 0, 5)
    assert [r["rejected_line"] for r in rejects] == ["7", "8", "9", "10", "11"]
    assert {r["rejected_reason"] for r in rejects} == {"database error, batch of lines 7-11 rolled back: disk full"}
    imported = set(Payment.objects.values_list("transaction_id", flat=True))
    assert imported == {f"TX-{n}" for n in (0, 1, 2, 3, 4, 10, 11)}
    # the batch's stub customer, merchant and links went with it
    assert not Customer.objects.filter(external_id__in=[f"C-{n}" for n in range(5, 10)]).exists()
    assert not Merchant.objects.filter(external_id="M-1").exists()
    assert MerchantCustomer.objects.count() == 7


def test_batches_commit_independently_and_rerun_completes_the_file(db, write_csv, import_file):
    rows = [[f"TX-{n}", "2024-03-01T10:00:00Z", "C-1", "M-1", f"card_{n}", "10.00", "GBP"] for n in range(7)]
    path = write_csv(HEADER, rows)
    with mock.patch("apps.imports.importers.transactions.link_customers", side_effect=[None, OperationalError("gone")]):
        first, _ = import_file("transactions", path, batch_size=4)
    assert counts(first) == (7, 4, 0, 0, 3)
    again, rejects = import_file("transactions", path, batch_size=4)
    assert counts(again) == (7, 3, 0, 4, 0) and rejects == []
    assert Payment.objects.count() == 7
