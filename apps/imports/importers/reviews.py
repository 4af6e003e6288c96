"""reviews.csv: product reviews, upserted on (merchant, review_id); the merchant is the product's."""
from __future__ import annotations

from apps.catalog.models import Product
from apps.customers.models import link_customers
from apps.customers.services import customers_ensure
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow
from apps.imports.importers.upsert import UpsertRow, rows_upsert
from apps.reviews.models import Review


class ReviewsImporter(Importer):
    kind = "reviews"
    columns = (
        Column("review_id", parsing.identifier, required=True),
        Column("product_id", parsing.identifier, required=True),
        Column("customer_id", parsing.identifier),
        Column("rating", parsing.integer(1, 5), required=True, field="rating"),
        Column("title", parsing.text(200), field="title", default=""),
        Column("text", parsing.text(20000), field="text", default=""),
        Column("created_at", parsing.timestamp, field="created_at", keep_when_blank=True),
    )

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        wanted = {row.values["product_id"] for row in rows}
        products = {
            ext: (pk, merchant_id)
            for ext, pk, merchant_id in Product.objects.filter(external_id__in=wanted).values_list(
                "external_id", "id", "merchant_id"
            )
        }
        known = []
        for row in rows:
            if row.values["product_id"] in products:
                known.append(row)
            else:
                outcome.reject(row, f"product_id: unknown product {row.values['product_id']!r} (import products first)")
        customer_ids = customers_ensure(external_ids={row.values.get("customer_id") for row in known})
        upserts = []
        for row in known:
            product_id, merchant_id = products[row.values["product_id"]]
            fields = self.model_fields(row.values) | {"product_id": product_id}
            if "customer_id" in row.values:
                fields["customer_id"] = customer_ids.get(row.values["customer_id"])
            upserts.append(UpsertRow((merchant_id, row.values["review_id"]), fields, [row]))
        accepted = rows_upsert(
            model=Review, key_fields=("merchant_id", "external_id"), key_column="review_id", rows=upserts, outcome=outcome
        )
        link_customers({(row.key[0], row.fields.get("customer_id")) for row in accepted})
