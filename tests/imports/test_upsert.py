"""Upserts on external ids: updates are counted, absent columns are left alone, stubs are created,
and ids owned by another merchant are refused."""
from __future__ import annotations

from decimal import Decimal

from apps.catalog.models import Product
from apps.customers.models import Customer, MerchantCustomer
from apps.merchants.models import Merchant
from apps.orders.models import Payment
from tests import factories
from tests.imports.helpers import counts

PRODUCT_HEADER = ["product_id", "merchant_id", "title", "price", "tags", "created_at"]


def test_changed_rows_are_updated_and_absent_columns_kept(db, write_csv, import_file):
    factories.CustomerFactory(external_id="C-1", email="old@example.com", name="Ada", country="GB")
    factories.CustomerFactory(external_id="C-2", email="same@example.com", name="Bo", country="FR")
    path = write_csv(["customer_id", "email"], [["C-1", "new@example.com"], ["C-2", "same@example.com"]])
    report, _ = import_file("customers", path)
    assert counts(report) == (2, 0, 1, 1, 0)
    ada = Customer.objects.get(external_id="C-1")
    assert (ada.email, ada.name, ada.country) == ("new@example.com", "Ada", "GB")


def test_a_repeated_id_in_one_file_counts_as_created_then_updated(db, write_csv, import_file):
    path = write_csv(
        PRODUCT_HEADER,
        [
            ["P-1", "mugco", "Mug", "9.99", "gift", ""],
            ["P-1", "mugco", "Mug", "9.99", "gift", ""],
            ["P-1", "mugco", "Bigger mug", "12.50", "gift;Large", ""],
        ],
    )
    report, _ = import_file("products", path)
    assert counts(report) == (3, 1, 1, 1, 0)
    mug = Product.objects.get(external_id="P-1")
    assert (mug.title, mug.price) == ("Bigger mug", Decimal("12.50"))
    assert sorted(mug.tags.values_list("slug", flat=True)) == ["gift", "large"]


def test_tag_only_changes_are_updates_and_tags_match_by_slug(db, write_csv, import_file):
    first = write_csv(PRODUCT_HEADER, [["P-1", "mugco", "Mug", "9.99", "Gift;Mug", "2024-01-01T00:00:00Z"]], name="a.csv")
    import_file("products", first)
    same_slugs = write_csv(PRODUCT_HEADER, [["P-1", "mugco", "Mug", "9.99", "gift;mug", ""]], name="b.csv")
    assert counts(import_file("products", same_slugs)[0]) == (1, 0, 0, 1, 0)
    fewer = write_csv(PRODUCT_HEADER, [["P-1", "mugco", "Mug", "9.99", "gift", ""]], name="c.csv")
    assert counts(import_file("products", fewer)[0]) == (1, 0, 1, 0, 0)
    mug = Product.objects.get(external_id="P-1")
    assert list(mug.tags.values_list("name", flat=True)) == ["Gift"]
    assert mug.created_at.year == 2024  # a blank created_at keeps the imported one


def test_product_owned_by_another_merchant_is_rejected(db, merchant_a, merchant_b, write_csv, import_file):
    theirs = factories.ProductFactory(external_id="P-B1", merchant=merchant_b, title="Their print")
    path = write_csv(
        PRODUCT_HEADER,
        [["P-A1", merchant_a.external_id, "Our mug", "9.99", "", ""], ["P-B1", merchant_a.external_id, "Hijack", "1.00", "", ""]],
    )
    report, rejects = import_file("products", path)
    assert counts(report) == (2, 1, 0, 0, 1)
    assert rejects[0]["rejected_line"] == "3"
    assert rejects[0]["rejected_reason"] == "product_id: 'P-B1' already belongs to another merchant"
    theirs.refresh_from_db()
    assert (theirs.merchant, theirs.title) == (merchant_b, "Their print")


def test_unknown_customers_and_merchants_become_minimal_records(db, merchant_a, write_csv, import_file):
    factories.CustomerFactory(external_id="C-KNOWN", email="known@example.com")
    header = ["transaction_id", "timestamp", "customer_id", "merchant_id", "card_id", "amount", "currency"]
    path = write_csv(
        header,
        [
            ["TX-1", "2024-03-01T10:00:00Z", "C-NEW", "M-NEW", "card_1", "10.00", "GBP"],
            ["TX-2", "2024-03-01T11:00:00Z", "C-KNOWN", merchant_a.external_id, "card_2", "20.00", "GBP"],
        ],
    )
    report, _ = import_file("transactions", path)
    assert counts(report) == (2, 2, 0, 0, 0)
    stub = Customer.objects.get(external_id="C-NEW")
    assert (stub.email, stub.name) == ("", "")
    merchant = Merchant.objects.get(external_id="M-NEW")
    assert merchant.name == "Merchant M-NEW"
    assert Customer.objects.get(external_id="C-KNOWN").email == "known@example.com"
    assert set(MerchantCustomer.objects.values_list("merchant__external_id", "customer__external_id")) == {
        ("M-NEW", "C-NEW"),
        (merchant_a.external_id, "C-KNOWN"),
    }
    payment = Payment.objects.get(transaction_id="TX-1")
    assert (payment.card_fingerprint, payment.is_fraud, payment.label_source) == ("card_1", None, "")


def test_a_blank_fraud_label_keeps_the_label_already_recorded(db, write_csv, import_file):
    payment = factories.PaymentFactory(transaction_id="TX-1", is_fraud=True, label_source="analyst")
    header = ["transaction_id", "timestamp", "customer_id", "merchant_id", "card_id", "amount", "currency", "is_fraud"]
    row = [
        "TX-1", payment.timestamp.isoformat(), payment.customer.external_id, payment.merchant.external_id,
        payment.card_fingerprint, str(payment.amount), payment.currency,
    ]  # fmt: skip
    assert counts(import_file("transactions", write_csv(header, [[*row, ""]], name="a.csv"))[0]) == (1, 0, 0, 1, 0)
    payment.refresh_from_db()
    assert (payment.is_fraud, payment.label_source) == (True, "analyst")
    assert counts(import_file("transactions", write_csv(header, [[*row, "0"]], name="b.csv"))[0]) == (1, 0, 1, 0, 0)
    payment.refresh_from_db()
    assert (payment.is_fraud, payment.label_source) == (False, "import")
