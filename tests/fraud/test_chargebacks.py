"""`import_data chargebacks`: fraud labels for known payments, idempotent, unknown ids rejected."""
from __future__ import annotations

import csv
from datetime import date

from django.core.management import call_command

from apps.fraud.models import Chargeback
from apps.imports.services import data_import
from apps.orders.models import Payment
from tests.imports.helpers import EXAMPLES


def _import(path, tmp_path):
    rejects = tmp_path / "rejects.csv"
    report = data_import(kind="chargebacks", path=path, progress=None, rejects_path=rejects)
    with rejects.open(newline="") as handle:
        return report, list(csv.DictReader(handle))


def test_example_chargebacks_label_the_example_transactions(db, tmp_path):
    data_import(kind="transactions", path=EXAMPLES / "transactions.csv", progress=None)
    report, rejects = _import(EXAMPLES / "chargebacks.csv", tmp_path)
    assert (report.rows_read, report.created, report.rejected) == (3, 3, 0) and rejects == []
    labelled = Payment.objects.filter(label_source="chargeback")
    assert set(labelled.values_list("transaction_id", flat=True)) == {"TX-900005", "TX-900007", "TX-900009"}
    assert all(labelled.values_list("is_fraud", flat=True))
    chargeback = Chargeback.objects.select_related("payment").get(payment__transaction_id="TX-900005")
    assert chargeback.date == date(2024, 4, 2)
    assert chargeback.merchant_id == chargeback.payment.merchant_id
    assert chargeback.reason == "Card holder does not recognise the payment"
    assert Chargeback.objects.get(payment__transaction_id="TX-900009").reason == ""


def test_reimport_changes_nothing(db, tmp_path):
    data_import(kind="transactions", path=EXAMPLES / "transactions.csv", progress=None)
    _import(EXAMPLES / "chargebacks.csv", tmp_path)
    stamps = dict(Payment.objects.values_list("transaction_id", "updated_at"))
    report, _ = _import(EXAMPLES / "chargebacks.csv", tmp_path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert Chargeback.objects.count() == 3
    assert dict(Payment.objects.values_list("transaction_id", "updated_at")) == stamps


def test_unknown_transaction_is_rejected_and_creates_nothing(db, tmp_path):
    data_import(kind="transactions", path=EXAMPLES / "transactions.csv", progress=None)
    path = tmp_path / "cb.csv"
    path.write_text(
        "transaction_id,date,reason\nTX-NOPE,2024-04-02,stolen card\nTX-900001,2024-04-03,stolen card\nTX-900002,yesterday,\n"
    )
    report, _ = _import(path, tmp_path)
    assert (report.created, report.rejected) == (1, 2)
    reasons = {reject.line: reject.reason for reject in report.first_rejects}
    assert reasons[2] == "transaction_id: unknown transaction 'TX-NOPE' (import transactions first)"
    assert reasons[4].startswith("date: not an ISO 8601 date")
    assert not Payment.objects.filter(transaction_id="TX-NOPE").exists()
    assert Payment.objects.get(transaction_id="TX-900001").is_fraud is True
    assert Payment.objects.get(transaction_id="TX-900002").is_fraud is False


def test_command_imports_chargebacks(db, capsys):
    data_import(kind="transactions", path=EXAMPLES / "transactions.csv", progress=None)
    call_command("import_data", "chargebacks", str(EXAMPLES / "chargebacks.csv"), "--no-progress")
    assert "3 created" in capsys.readouterr().out
    assert Payment.objects.filter(is_fraud=True, label_source="chargeback").count() == 3
