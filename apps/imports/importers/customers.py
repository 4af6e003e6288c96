"""customers.csv: shoppers, upserted on customer_id (completing stubs other imports created)."""
from __future__ import annotations

from apps.customers.models import Customer
from apps.imports import parsing
from apps.imports.importers.base import BatchOutcome, Column, Importer, ParsedRow
from apps.imports.importers.upsert import UpsertRow, rows_upsert


class CustomersImporter(Importer):
    kind = "customers"
    columns = (
        Column("customer_id", parsing.identifier, required=True),
        Column("email", parsing.email, field="email", default=""),
        Column("name", parsing.text(200), field="name", default=""),
        Column("country", parsing.country, field="country", default=""),
        Column("marketing_opt_in", parsing.boolean, field="marketing_opt_in", default=False),
        Column("created_at", parsing.timestamp, field="created_at", keep_when_blank=True),
    )

    def write(self, rows: list[ParsedRow], outcome: BatchOutcome) -> None:
        rows_upsert(
            model=Customer,
            key_fields=("external_id",),
            key_column="customer_id",
            rows=[UpsertRow((row.values["customer_id"],), self.model_fields(row.values), [row]) for row in rows],
            outcome=outcome,
        )
