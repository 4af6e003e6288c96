"""orders.csv: one row per order line, grouped into orders by order_number.

An order is all-or-nothing: if any of its lines is invalid, none is imported, because a
partial order would carry a wrong total. Re-importing an order replaces its lines and
updates its fields, so the file stays the source of truth without ever duplicating items.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from apps.catalog.models import Product
from apps.customers.models import link_customers
from apps.customers.services import customers_ensure
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow, sibling_reason
from apps.imports.importers.upsert import WRITE_CHUNK, UpsertRow, rows_upsert
from apps.merchants.services import merchants_ensure
from apps.orders.models import Order, OrderItem, OrderStatus

ZERO = Decimal("0.00")
# Columns that describe the order rather than the line: equal on every line, or blank.
ORDER_LEVEL = ("placed_at", "customer_id", "merchant_id", "status", "currency", "shipping", "tax")


class OrderLines:
    """An order's items as an upsert extra: (product, title, quantity, unit price) in file order."""

    names = ("lines",)

    def load(self, pks: list[int]) -> dict[int, dict[str, Any]]:
        lines: dict[int, list[tuple]] = {pk: [] for pk in pks}
        items = OrderItem.objects.filter(order_id__in=pks).order_by("order_id", "id")
        for order_id, *line in items.values_list("order_id", "product_id", "title", "quantity", "unit_price"):
            lines[order_id].append(tuple(line))
        return {pk: {"lines": tuple(found)} for pk, found in lines.items()}

    def save(self, values_by_pk: dict[int, dict[str, Any]]) -> None:
        OrderItem.objects.filter(order_id__in=list(values_by_pk)).delete()
        OrderItem.objects.bulk_create(
            [
                OrderItem(order_id=pk, product_id=product_id, title=title, quantity=quantity, unit_price=unit_price)
                for pk, values in values_by_pk.items()
                for product_id, title, quantity, unit_price in values["lines"]
            ],
            batch_size=WRITE_CHUNK,
        )


def _order_line(values: dict[str, Any], product: dict[str, Any]) -> tuple:
    """An order line in the shape OrderLines compares and saves; the title is the product's at import time."""
    return product["id"], product["title"], values["quantity"], values["unit_price"]


class OrdersImporter(Importer):
    kind = "orders"
    counted = "orders"
    group_column = "order_number"
    columns = (
        Column("order_number", parsing.pattern(r"ORD-\d{1,28}", "must look like ORD-1042"), required=True),
        Column("placed_at", parsing.timestamp, required=True, field="placed_at"),
        Column("customer_id", parsing.identifier, required=True),
        Column("merchant_id", parsing.identifier, required=True),
        Column("status", parsing.choice(list(OrderStatus.values)), field="status", default=OrderStatus.PENDING),
        Column("currency", parsing.currency, field="currency", default="USD"),
        Column("product_id", parsing.identifier, required=True),
        Column("quantity", parsing.integer(1, 1_000_000), required=True),
        Column("unit_price", parsing.money, required=True),
        Column("shipping", parsing.money, field="shipping", default=ZERO),
        Column("tax", parsing.money, field="tax", default=ZERO),
    )

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        orders: dict[str, list[ParsedRow]] = {}
        for row in rows:
            orders.setdefault(row.values["order_number"], []).append(row)
        wanted = {row.values["product_id"] for row in rows}
        products = {
            p["external_id"]: p
            for p in Product.objects.filter(external_id__in=wanted).values("external_id", "id", "merchant__external_id", "title")
        }
        valid = {number: lines for number, lines in orders.items() if self._order_is_valid(number, lines, products, outcome)}
        merchant_ids = merchants_ensure(external_ids={lines[0].values["merchant_id"] for lines in valid.values()})
        customer_ids = customers_ensure(external_ids={lines[0].values["customer_id"] for lines in valid.values()})
        upserts = []
        for number, lines in valid.items():
            merged = {name: next((ln.values[name] for ln in lines if ln.values[name] is not None), None) for name in self.present}
            fields = {"shipping": ZERO, "tax": ZERO} | self.model_fields(merged)
            items = tuple(_order_line(line.values, products[line.values["product_id"]]) for line in lines)
            subtotal = sum((quantity * price for _, _, quantity, price in items), ZERO)
            fields |= {
                "merchant_id": merchant_ids[merged["merchant_id"]],
                "customer_id": customer_ids[merged["customer_id"]],
                "subtotal": subtotal,
                "total": subtotal + fields["shipping"] + fields["tax"],
                "lines": items,
            }
            upserts.append(UpsertRow((number,), fields, lines))
        accepted = rows_upsert(
            model=Order,
            key_fields=("number",),
            key_column="order_number",
            rows=upserts,
            outcome=outcome,
            owner_field="merchant_id",
            extras=OrderLines(),
        )
        link_customers({(row.fields["merchant_id"], row.fields["customer_id"]) for row in accepted})

    def _order_is_valid(
        self, number: str, lines: list[ParsedRow], products: dict[str, dict], outcome: BatchOutcome
    ) -> bool:
        """Reject every line of an order whose lines disagree or name a product the merchant does not sell."""
        problem = self._order_problem(lines, products)
        if problem is None:
            return True
        bad_line, reason = problem
        for line in lines:
            outcome.reject(line, reason if line is bad_line else sibling_reason("order_number", number, bad_line.line))
        return False

    def _order_problem(self, lines: list[ParsedRow], products: dict[str, dict]) -> tuple[ParsedRow, str] | None:
        first = lines[0]
        for name in ORDER_LEVEL:
            given = [ln for ln in lines if ln.values.get(name) is not None]
            for line in given[1:]:
                if line.values[name] != given[0].values[name]:
                    return line, f"{name}: differs from line {given[0].line} of the same order"
        merchant = first.values["merchant_id"]
        for line in lines:
            product = products.get(line.values["product_id"])
            if product is None:
                return line, f"product_id: unknown product {line.values['product_id']!r} (import products first)"
            if product["merchant__external_id"] != merchant:
                return line, f"product_id: {line.values['product_id']!r} is not sold by merchant {merchant!r}"
        return None
