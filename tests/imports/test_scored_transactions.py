"""import_data scored_transactions: payments replayed through the live scorer, idempotently."""
import pytest

from apps.fraud.models import Assessment
from apps.orders.models import Payment
from tests.imports.helpers import EXAMPLES, counts


@pytest.mark.django_db
def test_example_is_scored_in_time_order_and_replays_as_unchanged(examples_imported, import_file):
    report, rejects = import_file("scored_transactions", EXAMPLES / "scored_transactions.csv")
    assert counts(report) == (12, 12, 0, 0, 0) and rejects == []
    scored = Assessment.objects.filter(payment__transaction_id__startswith="TX-8").select_related("payment")
    assert scored.count() == 12
    assert {a.decision for a in scored} <= {"approve", "review", "decline"}
    # event time: each payment's 7-day customer count only sees payments before it
    first = scored.order_by("payment__timestamp").first()
    assert first.features["cust_count_7d"] == 0

    report, _ = import_file("scored_transactions", EXAMPLES / "scored_transactions.csv")
    assert counts(report) == (12, 0, 0, 12, 0)
    assert Assessment.objects.count() == 12


@pytest.mark.django_db
def test_a_payment_imported_without_a_score_is_rejected(examples_imported, import_file, tmp_path):
    path = tmp_path / "replay.csv"
    lines = (EXAMPLES / "scored_transactions.csv").read_text().splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace("TX-800001", "TX-900001")]) + "\n")
    report, rejects = import_file("scored_transactions", path)
    assert report.rejected == 1
    assert "without a score" in rejects[0]["rejected_reason"]
    assert not Assessment.objects.filter(payment__transaction_id="TX-900001").exists()
    assert Payment.objects.filter(transaction_id="TX-900001").count() == 1
