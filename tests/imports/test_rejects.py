"""Bad rows are rejected one by one, each with its line number and a reason naming the column."""
from __future__ import annotations

from datetime import UTC, datetime

from apps.catalog.models import Product
from apps.events.models import Event
from apps.imports.report import SHOWN_REJECTS
from apps.orders.models import Payment
from apps.reviews.models import Review
from tests import factories
from tests.imports.helpers import counts

TX_HEADER = [
    "transaction_id", "timestamp", "customer_id", "merchant_id", "card_id", "device_id", "ip_address",
    "country", "latitude", "longitude", "amount", "currency", "merchant_category", "is_fraud",
]  # fmt: skip


def _tx(transaction_id: str, **changes) -> list[str]:
    row = {
        "transaction_id": transaction_id, "timestamp": "2024-03-04T10:13:02Z", "customer_id": "C-1",
        "merchant_id": "mugco", "card_id": "card_1", "device_id": "dev-1", "ip_address": "81.2.69.142",
        "country": "gb", "latitude": "51.5", "longitude": "-0.12", "amount": "10.00", "currency": "gbp",
        "merchant_category": "gifts", "is_fraud": "0",
    } | changes  # fmt: skip
    return [row[name] for name in TX_HEADER]


def test_bad_transactions_are_rejected_with_line_and_column(db, write_csv, import_file):
    path = write_csv(
        TX_HEADER,
        [
            _tx("TX-OK1"),
            _tx("TX-B1", timestamp="04/03/2024"),
            _tx("TX-B2", amount="-3.00"),
            _tx("TX-B3", ip_address="999.1.1.1"),
            _tx("TX-B4", latitude="91"),
            _tx("TX-B5", amount="NaN"),
            _tx("TX-B6", card_id="4111 1111 1111 1111"),
            _tx("TX-B7", customer_id=""),
            _tx("TX-B8", longitude=""),
            _tx("TX-B9", is_fraud="maybe"),
            _tx("TX-B10", timestamp="2024-03-04T10:13:02", currency="pounds"),
            _tx("TX OK2"),
            _tx("TX-OK3", timestamp="2024-03-04T10:13:02"),
        ],
    )
    report, rejects = import_file("transactions", path)

    assert counts(report) == (13, 2, 0, 0, 11)
    reasons = {int(r["rejected_line"]): r["rejected_reason"] for r in rejects}
    assert reasons[3].startswith("timestamp: not an ISO 8601")
    assert reasons[4] == "amount: must not be negative (got -3.00)"
    assert reasons[5].startswith("ip_address: not an IPv4 or IPv6 address")
    assert reasons[6] == "latitude: out of range -90..90 (got 91)"
    assert reasons[7].startswith("amount: must be a plain number")
    assert reasons[8].startswith("card_id: looks like a card number")
    assert reasons[9] == "customer_id: required"
    assert reasons[10].startswith("longitude: latitude and longitude go together")
    assert reasons[11].startswith("is_fraud: must be 1/0")
    assert reasons[12].startswith("currency: must be a 3-letter ISO 4217 currency code")
    assert reasons[13].startswith("transaction_id: Use letters, digits")
    # the rejects file carries the original cells so the rows can be fixed and re-imported
    assert next(r for r in rejects if r["rejected_line"] == "4")["amount"] == "-3.00"
    assert set(Payment.objects.values_list("transaction_id", flat=True)) == {"TX-OK1", "TX-OK3"}
    naive = Payment.objects.get(transaction_id="TX-OK3")
    assert naive.timestamp == datetime(2024, 3, 4, 10, 13, 2, tzinfo=UTC)  # naive timestamps are UTC
    assert naive.country == "GB" and naive.currency == "GBP"


def test_malformed_rows_and_implausible_dates_are_rejected(db, write_csv, import_file):
    path = write_csv(
        ["customer_id", "email", "created_at"],
        [
            ["C-1", "ok@example.com", "2024-01-01"],
            ["C-2", "not-an-email", ""],
            ["C-3", "c3@example.com"],
            ["C-4", "c4@example.com", "1999-12-31T23:00:00Z"],
            ["C-5", "c5@example.com", "2024-02-30"],
        ],
    )
    report, rejects = import_file("customers", path)
    assert counts(report) == (5, 1, 0, 0, 4)
    assert [(r["rejected_line"], r["rejected_reason"].split(":")[0]) for r in rejects] == [
        ("3", "email"),
        ("4", "row"),
        ("5", "created_at"),
        ("6", "created_at"),
    ]
    assert rejects[1]["rejected_reason"] == "row: has 2 fields but the header has 3"


def test_bad_events_are_rejected_including_ingest_errors(db, write_csv, import_file):
    product = factories.ProductFactory(external_id="P-1")
    path = write_csv(
        ["event_id", "timestamp", "customer_id", "session_id", "event_type", "product_id", "value", "query", "merchant_id"],
        [
            ["E-1", "2024-03-01T10:00:00Z", "C-1", "s1", "view", "P-1", "19.99", "", ""],
            ["E-2", "2024-03-01T10:00:00Z", "C-1", "s1", "teleport", "P-1", "", "", ""],
            ["E-3", "2024-03-01T10:00:00Z", "C-1", "s1", "view", "P-404", "", "", ""],
            ["E-4", "2024-03-01T10:00:00Z", "C-1", "s1", "view", "P-1", "", "", "elsewhere"],
            ["E-5", "2024-03-01T10:00:00Z", "C-1", "s1", "purchase", "", "1e3", "", ""],
            ["E-6", "2024-03-01T10:00:00Z", "", "s2", "search", "", "", "mug", ""],
        ],
    )
    report, rejects = import_file("events", path)
    assert counts(report) == (6, 2, 0, 0, 4)
    reasons = {r["rejected_line"]: r["rejected_reason"] for r in rejects}
    assert reasons["3"].startswith("event_type: unknown value 'teleport'; expected one of view")
    assert reasons["4"] == "product_id: Unknown product 'P-404'."
    assert reasons["5"] == "merchant_id: The product belongs to a different merchant."
    assert reasons["6"].startswith("value: must be a plain number")
    assert Event.objects.get(external_id="E-1").merchant == product.merchant


def test_bad_reviews_and_products_are_rejected(db, write_csv, import_file):
    factories.ProductFactory(external_id="P-1")
    reviews = write_csv(
        ["review_id", "product_id", "customer_id", "rating", "title"],
        [["R-1", "P-1", "C-1", "5", "Great"], ["R-2", "P-1", "C-1", "6", "Too good"], ["R-3", "P-9", "C-1", "4", "Lost"]],
        name="reviews.csv",
    )
    report, rejects = import_file("reviews", reviews)
    assert counts(report) == (3, 1, 0, 0, 2)
    assert [r["rejected_reason"] for r in rejects] == [
        "rating: must be between 1 and 5 (got 6)",
        "product_id: unknown product 'P-9' (import products first)",
    ]
    assert Review.objects.get().customer.external_id == "C-1"

    products = write_csv(
        ["product_id", "merchant_id", "title", "price", "stock", "attributes", "category", "tags"],
        [
            ["P-2", "mugco", "Mug", "9.999", "1", "", "", ""],
            ["P-3", "mugco", "Mug", "9.99", "-1", "", "", ""],
            ["P-4", "mugco", "Mug", "9.99", "1", '{"size": ', "", ""],
            ["P-5", "mugco", "Mug", "9.99", "1", "colour", "", ""],
            ["P-6", "mugco", "Mug", "9.99", "1", "", "Home >  > Mugs", ""],
            ["P-7", "mugco", "Mug", "9.99", "1", "", "", "gift;!!!"],
            ["P-8", "mugco", "", "9.99", "1", "", "", ""],
        ],
        name="products.csv",
    )
    report, rejects = import_file("products", products)
    assert counts(report) == (7, 0, 0, 0, 7)
    assert [r["rejected_reason"].split(":")[0] for r in rejects] == [
        "price", "stock", "attributes", "attributes", "category", "tags", "title",
    ]  # fmt: skip
    assert Product.objects.count() == 1


def test_summary_lists_at_most_the_first_rejects_but_the_file_has_all(db, write_csv, import_file):
    rows = [[f"C-{n}", "nope", "GB"] for n in range(SHOWN_REJECTS + 10)]
    report, rejects = import_file("customers", write_csv(["customer_id", "email", "country"], rows))
    assert report.rejected == len(rejects) == SHOWN_REJECTS + 10
    assert len(report.first_rejects) == SHOWN_REJECTS
    assert report.first_rejects[0].line == 2


def test_undecodable_row_is_rejected_not_fatal(db, tmp_path, import_file):
    path = tmp_path / "customers.csv"
    path.write_bytes(b"customer_id,name\nC-1,Zo\xc3\xab\nC-2,Zo\xeb\n")
    report, rejects = import_file("customers", path)
    assert counts(report) == (2, 1, 0, 0, 1)
    assert rejects[0]["rejected_line"] == "3" and "--encoding" in rejects[0]["rejected_reason"]
    report, _ = import_file("customers", path, encoding="latin-1")
    assert (report.created, report.updated, report.rejected) == (1, 1, 0)


def test_a_cell_too_large_for_csv_is_rejected_and_reading_goes_on(db, tmp_path, import_file):
    path = tmp_path / "customers.csv"
    path.write_text(f"customer_id,name\nC-1,{'x' * 200_000}\nC-2,Bo\n")
    report, rejects = import_file("customers", path)
    assert counts(report) == (2, 1, 0, 0, 1)
    assert rejects[0]["rejected_line"] == "2"
    assert rejects[0]["rejected_reason"].startswith("row: is not readable CSV (field larger")
