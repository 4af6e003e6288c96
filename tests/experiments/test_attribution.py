"""Events through the events API are attributed to the arm that served them, once."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.events.models import Event
from apps.experiments.attribution import events_attribute
from apps.experiments.models import ArmDay, Attribution, ExposureUnit
from apps.experiments.services import experiment_assign, exposure_record
from tests import factories
from tests.experiments.support import make_experiment

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"


@pytest.fixture
def served(merchant_a):
    """A running experiment and one exposure of shopper C-1 on merchant A."""
    experiment = make_experiment(merchant_a, running=True)
    product = factories.ProductFactory(merchant=merchant_a, external_id="P-1")
    assignment = experiment_assign(surface="recommendations", unit_id="C-1", merchant_id=merchant_a.pk)
    rid = exposure_record(assignment=assignment, surface="recommendations", unit_id="C-1",
                          merchant_id=merchant_a.pk, items=["P-1"])
    return experiment, assignment.variant_key, rid, product


def _event(event_id: str, kind: str, rid: str = "", **extra) -> dict:
    body = {"event_id": event_id, "timestamp": timezone.now().isoformat(), "event_type": kind,
            "customer_id": "C-1", "product_id": "P-1", **extra}
    if rid:
        body["recommendation_id"] = rid
    return body


def _totals(experiment, arm) -> dict:
    row = ArmDay.objects.get(experiment=experiment, arm=arm)
    return {"impressions": row.impressions, "clicks": row.clicks, "purchases": row.purchases, "revenue": row.revenue}


def test_impression_click_and_purchase_count_for_the_serving_arm(api_a, served, django_capture_on_commit_callbacks):
    experiment, arm, rid, _ = served
    batch = [_event("e1", "impression", rid), _event("e2", "click", rid),
             _event("e3", "purchase", rid, value="24.00")]
    with django_capture_on_commit_callbacks(execute=True):
        assert api_a.post(URL, batch, format="json").status_code == 201
    assert _totals(experiment, arm) == {"impressions": 1, "clicks": 1, "purchases": 1, "revenue": Decimal("24.00")}
    unit = ExposureUnit.objects.get(experiment=experiment, unit_id="C-1")
    assert unit.clicked_at is not None and unit.converted_at is not None


def test_replayed_events_do_not_count_twice(api_a, served, django_capture_on_commit_callbacks):
    experiment, arm, rid, _ = served
    batch = [_event("e1", "impression", rid), _event("e2", "click", rid)]
    with django_capture_on_commit_callbacks(execute=True):
        api_a.post(URL, batch, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        assert api_a.post(URL, batch, format="json").json()["duplicates"] == 2
    # Even a second delivery of the signal with the same events changes nothing.
    assert events_attribute(list(Event.objects.all())) == 0
    assert _totals(experiment, arm)["impressions"] == 1 and _totals(experiment, arm)["clicks"] == 1
    assert Attribution.objects.count() == 2


def test_events_on_another_merchants_storefront_are_not_attributed(api_b, served, merchant_b, django_capture_on_commit_callbacks):
    experiment, _, rid, _ = served
    factories.ProductFactory(merchant=merchant_b, external_id="P-B")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_b.post(URL, [_event("b1", "click", rid, product_id="P-B")], format="json")
    assert response.status_code == 201
    assert not Attribution.objects.exists() and not ArmDay.objects.exists()


def test_unknown_and_non_experiment_recommendation_ids_are_ignored(api_a, served, merchant_a, django_capture_on_commit_callbacks):
    plain = exposure_record(assignment=None, surface="recommendations", unit_id="C-1", merchant_id=merchant_a.pk, items=[])
    with django_capture_on_commit_callbacks(execute=True):
        api_a.post(URL, [_event("x1", "click", "no-such-id"), _event("x2", "click", plain)], format="json")
    assert not Attribution.objects.exists()


def test_purchase_without_recommendation_id_counts_within_the_window(api_a, served, django_capture_on_commit_callbacks):
    experiment, arm, _, _ = served
    late = (timezone.now() + timedelta(hours=2)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        api_a.post(URL, [_event("p1", "purchase", value="10.00", timestamp=late),
                         _event("p2", "purchase", value="5.00", customer_id="C-OTHER")], format="json")
    attribution = Attribution.objects.get()
    assert (attribution.event.external_id, attribution.via, attribution.arm) == ("p1", "window", arm)
    assert _totals(experiment, arm)["revenue"] == Decimal("10.00")


def test_only_purchases_within_the_window_after_exposure_are_attributed(merchant_a, served):
    experiment, _, _, product = served
    unit = ExposureUnit.objects.get(experiment=experiment)
    customer = factories.CustomerFactory(external_id="C-1")
    for name, offset in [("before", timedelta(hours=-1)), ("too-late", timedelta(days=8)), ("inside", timedelta(days=6))]:
        factories.EventFactory(external_id=name, merchant=merchant_a, customer=customer, product=product,
                               type="purchase", value=Decimal("3.00"), timestamp=unit.first_exposed_at + offset)
    assert events_attribute(list(Event.objects.all())) == 1
    assert Attribution.objects.get().event.external_id == "inside"


def test_attribute_events_command_catches_up_and_is_idempotent(merchant_a, served):
    experiment, arm, rid, product = served
    # Stored without the live receiver running (no commit callbacks in this test).
    factories.EventFactory(external_id="late-click", merchant=merchant_a, product=product, type="click", recommendation_id=rid)
    out = StringIO()
    call_command("attribute_events", no_progress=True, stdout=out)
    assert "1 new attributions" in out.getvalue()
    call_command("attribute_events", no_progress=True, stdout=out)
    assert _totals(experiment, arm)["clicks"] == 1
