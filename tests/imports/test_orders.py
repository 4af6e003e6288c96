"""Order lines are grouped into orders with computed totals; re-imports replace lines, never duplicate."""
from __future__ import annotations

from decimal import Decimal

from apps.orders.models import Order, OrderItem
from tests import factories
from tests.imports.helpers import counts

HEADER = [
    "order_number", "placed_at", "customer_id", "merchant_id", "status", "currency",
    "product_id", "quantity", "unit_price", "shipping", "tax",
]  # fmt: skip


def _line(number: str, product: str, quantity: int, price: str, **changes) -> list:
    row = {
        "order_number": number, "placed_at": "2024-03-04T10:12:00Z", "customer_id": "C-1", "merchant_id": "MA",
        "status": "paid", "currency": "GBP", "product_id": product, "quantity": quantity, "unit_price": price,
        "shipping": "3.95", "tax": "2.00",
    } | changes  # fmt: skip
    return [row[name] for name in HEADER]


def _catalog(merchant_a, merchant_b) -> None:
    factories.ProductFactory(external_id="P-1", merchant=merchant_a, title="Name mug")
    factories.ProductFactory(external_id="P-2", merchant=merchant_a, title="Tumbler")
    factories.ProductFactory(external_id="P-B", merchant=merchant_b, title="Their print")


def test_lines_are_grouped_into_orders_with_totals(merchant_a, merchant_b, write_csv, import_file):
    _catalog(merchant_a, merchant_b)
    path = write_csv(
        HEADER,
        [
            _line("ORD-1", "P-1", 2, "14.99"),
            _line("ORD-1", "P-2", 1, "24.00", shipping="", tax=""),  # order-level cells may be blank on later lines
            _line("ORD-2", "P-2", 3, "10.00", shipping="0", tax="0", status="pending"),
        ],
    )
    report, _ = import_file("orders", path)
    assert counts(report) == (3, 2, 0, 0, 0)
    order = Order.objects.get(number="ORD-1")
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("53.98"), Decimal("3.95"), Decimal("2.00"), Decimal("59.93"),
    )  # fmt: skip
    assert [(i.product.external_id, i.title, i.quantity, i.unit_price) for i in order.items.order_by("id")] == [
        ("P-1", "Name mug", 2, Decimal("14.99")),
        ("P-2", "Tumbler", 1, Decimal("24.00")),
    ]
    assert (order.merchant, order.customer.external_id, order.status) == (merchant_a, "C-1", "paid")
    assert Order.objects.get(number="ORD-2").total == Decimal("30.00")


def test_reimport_replaces_lines_and_updates_fields(merchant_a, merchant_b, write_csv, import_file):
    _catalog(merchant_a, merchant_b)
    import_file("orders", write_csv(HEADER, [_line("ORD-1", "P-1", 2, "14.99"), _line("ORD-1", "P-2", 1, "24.00")], name="a.csv"))
    changed = write_csv(HEADER, [_line("ORD-1", "P-2", 3, "24.00", status="shipped")], name="b.csv")
    report, _ = import_file("orders", changed)
    assert counts(report) == (1, 0, 1, 0, 0)
    order = Order.objects.get(number="ORD-1")
    assert (order.status, order.subtotal, order.total) == ("shipped", Decimal("72.00"), Decimal("77.95"))
    assert list(order.items.values_list("product__external_id", "quantity")) == [("P-2", 3)]
    assert OrderItem.objects.count() == 1
    assert counts(import_file("orders", changed)[0]) == (1, 0, 0, 1, 0)


def test_an_order_with_one_bad_line_is_rejected_whole(merchant_a, merchant_b, write_csv, import_file):
    _catalog(merchant_a, merchant_b)
    path = write_csv(
        HEADER,
        [
            _line("ORD-1", "P-1", 1, "14.99"),
            _line("ORD-1", "P-2", 0, "24.00"),  # bad quantity
            _line("ORD-2", "P-1", 1, "14.99"),
            _line("ORD-2", "P-B", 1, "9.00"),  # another merchant's product
            _line("ORD-3", "P-1", 1, "14.99"),
            _line("ORD-3", "P-2", 1, "24.00", shipping="9.99"),  # disagrees with the first line
            _line("ORD-4", "P-1", 1, "14.99"),
        ],
    )
    report, rejects = import_file("orders", path)
    assert counts(report) == (7, 1, 0, 0, 6)
    assert [(r["rejected_line"], r["rejected_reason"]) for r in rejects] == [
        ("2", "order_number: ORD-1 not imported because its line 3 was rejected"),
        ("3", "quantity: must be between 1 and 1000000 (got 0)"),
        ("4", "order_number: ORD-2 not imported because its line 5 was rejected"),
        ("5", "product_id: 'P-B' is not sold by merchant 'MA'"),
        ("6", "order_number: ORD-3 not imported because its line 7 was rejected"),
        ("7", "shipping: differs from line 6 of the same order"),
    ]
    assert list(Order.objects.values_list("number", flat=True)) == ["ORD-4"]


def test_an_order_split_across_batches_stays_whole_and_must_be_consecutive(merchant_a, merchant_b, write_csv, import_file):
    _catalog(merchant_a, merchant_b)
    path = write_csv(
        HEADER,
        [
            _line("ORD-1", "P-1", 1, "14.99"),
            _line("ORD-2", "P-1", 1, "14.99"),
            _line("ORD-2", "P-2", 1, "24.00"),
            _line("ORD-2", "P-2", 2, "24.00"),
            _line("ORD-3", "P-1", 1, "14.99"),
            _line("ORD-1", "P-2", 1, "24.00"),  # ORD-1 again, after other orders
        ],
    )
    report, rejects = import_file("orders", path, batch_size=2)
    assert counts(report) == (6, 3, 0, 0, 1)
    assert Order.objects.get(number="ORD-2").items.count() == 3  # never cut by the batch boundary
    assert Order.objects.get(number="ORD-1").items.count() == 1
    assert rejects[0]["rejected_reason"] == "order_number: the rows of ORD-1 must be consecutive; it already appeared on line 2"


def test_order_number_of_another_merchant_is_rejected(merchant_a, merchant_b, write_csv, import_file):
    _catalog(merchant_a, merchant_b)
    factories.OrderFactory(number="ORD-9", merchant=merchant_b)
    path = write_csv(HEADER, [_line("ORD-9", "P-1", 1, "14.99"), _line("ORD-9", "P-2", 1, "1.00")])
    report, rejects = import_file("orders", path)
    assert counts(report) == (2, 0, 0, 0, 2)
    assert {r["rejected_reason"] for r in rejects} == {"order_number: 'ORD-9' already belongs to another merchant"}
    assert Order.objects.get(number="ORD-9").merchant == merchant_b
