"""Constants and small functions shared by the import tests."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

from apps.imports.report import ImportReport

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"
# Dependency order: products name merchants; orders, events and reviews name products.
KINDS_IN_ORDER = ("products", "customers", "orders", "transactions", "events", "reviews")


def counts(report: ImportReport) -> tuple[int, int, int, int, int]:
    """(rows read, created, updated, unchanged, rejected)."""
    return report.rows_read, report.created, report.updated, report.unchanged, report.rejected
