"""`manage.py import_data`: refuses unreadable input up front, otherwise always reports a summary."""
from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.catalog.models import Product
from tests.imports.helpers import EXAMPLES


def _run(*args) -> str:
    out = StringIO()
    call_command("import_data", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_missing_required_columns_are_named(db, write_csv):
    path = write_csv(["transaction_id", "timestamp", "customer_id", "merchant_id", "currency"], [])
    with pytest.raises(CommandError, match=r"missing required column\(s\): card_id, amount\.$"):
        _run("transactions", str(path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gadgets", str(EXAMPLES / "products.csv")), "Unknown kind 'gadgets'; expected one of products"),
        (("products", "no/such/file.csv"), "No such file"),
        (("products", str(EXAMPLES / "products.csv"), "--encoding", "klingon"), "Unknown encoding 'klingon'"),
    ],
)
def test_unknown_kind_missing_file_or_encoding_is_a_command_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_empty_file_or_duplicate_header_is_a_command_error(db, tmp_path, write_csv):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty: expected a header row"):
        _run("customers", str(empty))
    with pytest.raises(CommandError, match="appear twice: email"):
        _run("customers", str(write_csv(["customer_id", "email", "Email"], [])))


def test_summary_prints_counts_rejects_and_writes_rejects_file(db, tmp_path, write_csv):
    path = write_csv(
        ["product_id", "merchant_id", "title", "price", "colour"],
        [["P-1", "mugco", "Mug", "9.99", "red"], ["P-2", "mugco", "Mug", "-1", "blue"]],
    )
    rejects = tmp_path / "rejects.csv"
    output = _run("products", str(path), "--rejects", str(rejects))
    assert output.splitlines() == [
        "products: 2 rows read, 1 created, 0 updated, 0 unchanged, 1 rejected.",
        "Ignored unknown column(s): colour.",
        "Rejected rows (first 1 of 1):",
        "  line 3: price: must not be negative (got -1)",
    ]
    with rejects.open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["rejected_line", "rejected_reason", "product_id", "merchant_id", "title", "price", "colour"],
            ["3", "price: must not be negative (got -1)", "P-2", "mugco", "Mug", "-1", "blue"],
        ]
    assert Product.objects.get().external_id == "P-1"


def test_orders_summary_says_it_counts_orders(db):
    _run("products", str(EXAMPLES / "products.csv"))
    assert _run("orders", str(EXAMPLES / "orders.csv")).startswith(
        "orders: 12 rows read, 8 created, 0 updated, 0 unchanged (orders), 0 rejected."
    )


def test_progress_bar_reports_bytes_on_stderr(db, capsys):
    call_command("import_data", "customers", str(EXAMPLES / "customers.csv"), stdout=StringIO())
    progress = capsys.readouterr().err
    assert "customers.csv" in progress
    assert "100%" in progress
