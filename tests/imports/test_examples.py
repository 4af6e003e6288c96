"""The documented example files import cleanly, agree with each other, and re-import as no-ops."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from apps.catalog.models import Product
from apps.customers.models import Customer, MerchantCustomer
from apps.events.models import Event
from apps.imports.importers import IMPORTERS
from apps.orders.models import Order, OrderItem, Payment
from apps.reviews.models import Review
from tests.imports.helpers import EXAMPLES, KINDS_IN_ORDER, counts


def test_every_example_file_imports_cleanly(examples_imported):
    for kind in KINDS_IN_ORDER:
        expected_created = 8 if kind == "orders" else 12  # 12 order lines make 8 orders
        assert counts(examples_imported[kind]) == (12, expected_created, 0, 0, 0), kind
    assert Product.objects.count() == 12
    assert Customer.objects.count() == 12  # orders, payments, events and reviews name only known customers
    assert (Order.objects.count(), OrderItem.objects.count()) == (8, 12)
    assert Payment.objects.count() == Event.objects.count() == Review.objects.count() == 12


def test_examples_reference_each_other(examples_imported):
    mug = Product.objects.get(external_id="P-1001")
    assert mug.merchant.external_id == "mugco"
    assert mug.category.path == "Home > Drinkware > Mugs"
    assert sorted(mug.tags.values_list("name", flat=True)) == ["birthday", "gift", "personalised"]
    assert mug.attributes == {"material": "ceramic", "capacity_ml": "330", "colour": "white"}
    assert Product.objects.get(external_id="P-1002").attributes["colours"] == ["white", "navy"]
    order = Order.objects.get(number="ORD-100001")
    assert Payment.objects.get(transaction_id="TX-900001").amount == order.total == Decimal("64.72")
    assert Review.objects.get(external_id="R-7001").merchant == mug.merchant
    assert MerchantCustomer.objects.filter(merchant=mug.merchant, customer__external_id="C-0001").exists()
    assert Payment.objects.filter(is_fraud=True, label_source="import").count() == 2
    assert Payment.objects.filter(is_fraud__isnull=True, label_source="").count() == 3
    # offsets are honoured and stored as UTC
    assert Customer.objects.get(external_id="C-0006").created_at == datetime(2024, 1, 10, 3, 10, tzinfo=UTC)


def test_reimporting_every_example_creates_nothing(examples_imported, import_file):
    stamps = dict(Product.objects.values_list("external_id", "updated_at"))
    for kind in KINDS_IN_ORDER:
        report, rejects = import_file(kind, EXAMPLES / f"{kind}.csv")
        expected = 8 if kind == "orders" else 12
        assert counts(report) == (12, 0, 0, expected, 0), kind
        assert rejects == []
    assert dict(Product.objects.values_list("external_id", "updated_at")) == stamps
    assert (Order.objects.count(), OrderItem.objects.count(), Event.objects.count()) == (8, 12, 12)


def test_documentation_lists_every_column_with_its_required_flag():
    """docs/data-formats.md is what merchants read: it must match the importers' column tables."""
    docs = (EXAMPLES.parent / "data-formats.md").read_text()
    for kind, importer in IMPORTERS.items():
        section = docs.split(f"## {kind}\n", 1)[1].split("\n## ", 1)[0]
        documented = dict(re.findall(r"^\| `(\w+)` \| (yes|no) \|", section, flags=re.MULTILINE))
        declared = {column.name: "yes" if column.required else "no" for column in importer.columns}
        assert documented == declared, kind
        header = (EXAMPLES / f"{kind}.csv").read_text().splitlines()[0].split(",")
        assert set(header) == set(declared), kind
