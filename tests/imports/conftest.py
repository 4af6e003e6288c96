"""Helpers for the import tests: write a CSV, import it, read the rejects back."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from apps.imports.report import ImportReport
from apps.imports.services import data_import
from tests.imports.helpers import EXAMPLES, KINDS_IN_ORDER


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(header, rows, name=...) -> a CSV file path in tmp_path."""

    def write(header: list[str], rows: list[list], name: str = "data.csv") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def import_file(tmp_path):
    """import_file(kind, path, **options) -> (report, rejects read back from the --rejects CSV)."""

    def run(kind: str, path: Path, **options) -> tuple[ImportReport, list[dict[str, str]]]:
        rejects_path = tmp_path / f"rejects-{kind}.csv"
        report = data_import(kind=kind, path=path, progress=None, rejects_path=rejects_path, **options)
        with rejects_path.open(newline="", encoding="utf-8") as handle:
            return report, list(csv.DictReader(handle))

    return run


@pytest.fixture
def examples_imported(db, import_file) -> dict[str, ImportReport]:
    return {kind: import_file(kind, EXAMPLES / f"{kind}.csv")[0] for kind in KINDS_IN_ORDER}

