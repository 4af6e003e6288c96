"""seed_payments: a labelled card-payment history for the demo merchants, through import_data."""
import pytest
from django.core.management import call_command

from apps.demo.payments_history import CUSTOMER_PREFIX
from apps.orders.models import Payment


@pytest.mark.django_db
def test_history_is_imported_onto_the_demo_merchants_and_runs_once(merchant_a, merchant_b, capsys, tmp_path):
    live = tmp_path / "live.csv"
    args = ["--customers", "20", "--terminals", "10", "--days", "15", "--live-days", "2", "--live-file", str(live)]
    call_command("seed_payments", *args, "--no-progress")
    payments = Payment.objects.all()
    assert payments.count() > 100
    assert set(payments.values_list("merchant_id", flat=True)) == {merchant_a.id, merchant_b.id}
    assert set(payments.values_list("label_source", flat=True)) == {"import"}
    assert payments.filter(is_fraud=True).exists() and payments.filter(is_fraud=False).exists()
    assert not payments.exclude(customer__external_id__startswith=CUSTOMER_PREFIX).exists()
    assert "0 rejected" in capsys.readouterr().out
    held_back = live.read_text().splitlines()
    assert len(held_back) > 10 and "is_fraud" not in held_back[0]
    assert not payments.filter(transaction_id__in=[line.split(",")[0] for line in held_back[1:]]).exists()

    before = payments.count()
    call_command("seed_payments", *args, "--if-empty", "--no-progress")
    assert Payment.objects.count() == before
    assert "already imported" in capsys.readouterr().out


@pytest.mark.django_db
def test_refuses_without_merchants(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_payments", "--customers", "5", "--days", "5", "--live-file", str(tmp_path / "l.csv"), "--no-progress")
