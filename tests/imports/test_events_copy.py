"""The PostgreSQL COPY path for events gives exactly the generic path's results."""
from __future__ import annotations

from unittest import mock

from django.db import connection

from apps.customers.models import Customer, MerchantCustomer
from apps.events.models import Event
from apps.imports.importers import events as events_importer
from tests.conftest import require_service
from tests.imports.helpers import EXAMPLES, counts

EVENT_FIELDS = (
    "external_id", "merchant__external_id", "customer__external_id", "anonymous_id", "session_id",
    "type", "product__external_id", "query", "value", "timestamp", "properties",
)  # fmt: skip


def _state() -> tuple[list[tuple], set[tuple], set[str]]:
    return (
        list(Event.objects.order_by("external_id").values_list(*EVENT_FIELDS)),
        set(MerchantCustomer.objects.values_list("merchant__external_id", "customer__external_id")),
        set(Customer.objects.values_list("external_id", flat=True)),
    )


def _events_file(write_csv):
    examples = (EXAMPLES / "events.csv").read_text().splitlines()
    header = examples[0].split(",")
    extra = [
        ["EV-000001", "2024-03-04T10:02:11Z", "C-0001", "s-8f21", "search", "", "", "name mug", "", ""],  # in-file replay
        ["EV-900001", "2024-03-07T10:00:00", "C-NEW", "s-1", "view", "P-9999", "", "", "", ""],  # unknown product
        ["EV-900002", "2024-03-07T10:00:00", "C-NEW2", "s-1", "view", "P-1001", "", "", "goldleaf", ""],  # wrong merchant
        ["EV-900003", "2024-03-07T10:00:00", "C-NEW3", "s-1", "wishlist", "P-4002", "", "", "", ""],
        ["EV-900004", "2024-03-07T10:00:00", "C-NEW4", "s-1", "search", "", "", "ring", "brand-new-merchant", ""],
    ]
    return write_csv(header, [line.split(",") for line in examples[1:]] + extra, name="events.csv")


def test_copy_path_matches_the_generic_path(db, write_csv, import_file):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    import_file("products", EXAMPLES / "products.csv")
    path = _events_file(write_csv)

    with mock.patch.object(events_importer, "events_copy_ingest", wraps=events_importer.events_copy_ingest) as copy:
        copied, copied_rejects = import_file("events", path, batch_size=7)
    assert copy.call_count == 3
    copied_state = _state()
    assert counts(copied) == (17, 14, 0, 1, 2)
    assert counts(import_file("events", path, batch_size=7)[0]) == (17, 0, 0, 15, 2)  # idempotent

    Event.objects.all().delete()
    MerchantCustomer.objects.all().delete()
    Customer.objects.all().delete()
    with mock.patch.object(events_importer, "events_copy_ingest") as copy:
        generic, generic_rejects = import_file("events", path, batch_size=7, fast_path=False)
    copy.assert_not_called()

    assert counts(generic) == counts(copied)
    assert generic_rejects == copied_rejects
    assert _state() == copied_state
    assert ("brand-new-merchant", "C-NEW4") in copied_state[1]
