"""The experiments API: life cycle, results on a hand-made case, assignment, and tenancy."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.experiments.models import ArmDay, Experiment, ExposureUnit
from tests.experiments.support import make_experiment

pytestmark = pytest.mark.django_db
URL = "/api/v1/experiments/"

NEW = {
    "key": "blend-vs-popularity",
    "name": "Blend vs popularity",
    "surface": "recommendations",
    "variants": [
        {"key": "control", "is_control": True},
        {"key": "popularity", "params": {"strategy": "popularity"}, "weight": 1},
    ],
}


def test_create_start_stop_through_the_api(api_a, merchant_a):
    created = api_a.post(URL, NEW, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["merchant"], body["status"], len(body["variants"])) == ("MA", "draft", 2)
    assert Experiment.objects.get(key="blend-vs-popularity").merchant == merchant_a
    started = api_a.post(f"{URL}blend-vs-popularity/start/")
    assert started.status_code == 200 and started.json()["status"] == "running"
    again = api_a.post(f"{URL}blend-vs-popularity/start/")
    assert again.status_code == 400 and "status" in again.json()["errors"]
    locked = api_a.patch(f"{URL}blend-vs-popularity/", {"holdout_share": 0.1}, format="json")
    assert locked.status_code == 400 and "holdout_share" in locked.json()["errors"]
    renamed = api_a.patch(f"{URL}blend-vs-popularity/", {"name": "Renamed"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    assert api_a.post(f"{URL}blend-vs-popularity/stop/").json()["status"] == "stopped"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"key": "assignment"}, "key"),
        ({"variants": [{"key": "control", "is_control": True}]}, "variants"),
        ({"variants": [{"key": "control", "is_control": True}, {"key": "b", "params": {"strategy": "x"}}]}, "variants"),
        ({"holdout_share": 0.7}, "holdout_share"),
        ({"surface": "teleport"}, "surface"),
        ({"merchant_id": "MB"}, "merchant_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api_a, merchant_b, change, field):
    response = api_a.post(URL, {**NEW, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Experiment.objects.exists()


def test_platform_wide_experiments_are_for_platform_admins(api_a, api_client_for, platform_admin, analyst):
    admin = api_client_for(platform_admin)
    created = admin.post(URL, NEW, format="json")
    assert created.status_code == 201 and created.json()["merchant"] is None
    assert api_a.get(f"{URL}blend-vs-popularity/").status_code == 404
    assert api_a.get(URL).json()["results"] == []
    assert api_client_for(analyst).get(f"{URL}blend-vs-popularity/results/").status_code == 200
    assert api_client_for(analyst).post(f"{URL}blend-vs-popularity/start/").status_code == 403


def test_merchant_staff_cannot_touch_another_merchants_experiment(api_a, merchant_b):
    theirs = make_experiment(merchant_b, key="theirs")
    assert api_a.get(f"{URL}theirs/").status_code == 404
    assert api_a.get(f"{URL}theirs/results/").status_code == 404
    assert api_a.patch(f"{URL}theirs/", {"name": "mine now"}, format="json").status_code == 404
    assert api_a.post(f"{URL}theirs/start/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.name) == ("draft", "Blend test of mb")


def _units(experiment, arm: str, total: int, converted: int, clicked: int, day) -> None:
    ExposureUnit.objects.bulk_create([
        ExposureUnit(experiment=experiment, arm=arm, unit_id=f"{arm}-{i}", first_exposed_at=day,
                     clicked_at=day if i < clicked else None, converted_at=day if i < converted else None)
        for i in range(total)
    ])


def test_results_on_a_hand_made_case(api_a, merchant_a):
    experiment = make_experiment(merchant_a, running=True, key="hand", baseline_rate=0.10, minimum_detectable_effect=0.2)
    day = timezone.now() - timedelta(days=1)
    _units(experiment, "control", 1000, converted=100, clicked=300, day=day)
    _units(experiment, "popularity", 1000, converted=130, clicked=300, day=day)
    ArmDay.objects.create(experiment=experiment, arm="control", day=day.date(), impressions=4000, clicks=500,
                          purchases=110, revenue=Decimal("2200.00"))
    response = api_a.get(f"{URL}hand/results/")
    assert response.status_code == 200
    body = response.json()
    control, variant = body["arms"]
    assert (control["arm"], control["units"], control["impressions"], control["revenue"]) == ("control", 1000, 4000, "2200.00")
    assert control["clicks_per_impression"] == 0.125 and control["revenue_per_unit"] == 2.2
    assert control["conversion"]["rate"] == 0.1 and control["conversion"]["p_value"] is None
    conversion = variant["conversion"]
    assert conversion["rate"] == 0.13
    assert round(conversion["lift"], 6) == 0.3
    assert round(conversion["p_value"], 4) == 0.0355 and conversion["significant"] is True
    assert round(conversion["lift_ci"]["low"], 4) == 0.0170 and round(conversion["lift_ci"]["high"], 4) == 0.6618
    assert variant["click_through"]["lift"] == 0.0 and variant["click_through"]["significant"] is False
    assert "3,841" in body["sample_size_note"] and "1,000" in body["sample_size_note"]
    assert body["timeline"]["popularity"] == [{"day": day.date().isoformat(), "units": 1000, "converted_units": 130}]


def test_assignment_endpoint_answers_the_same_variant_as_the_service(api_a, merchant_a):
    assert api_a.get(f"{URL}assignment/", {"surface": "recommendations", "unit_id": "C-1"}).json() == {
        "experiment": None, "variant": None, "params": {}, "holdout": False,
    }
    make_experiment(merchant_a, running=True, key="live")
    by_get = api_a.get(f"{URL}assignment/", {"surface": "recommendations", "unit_id": "C-1"}).json()
    by_post = api_a.post(f"{URL}assignment/", {"surface": "recommendations", "unit_id": "C-1", "merchant_id": "MA"},
                         format="json").json()
    assert by_get == by_post and by_get["experiment"] == "live" and by_get["variant"] in {"control", "popularity"}
    bad = api_a.get(f"{URL}assignment/", {"surface": "recommendations"})
    assert bad.status_code == 400 and "unit_id" in bad.json()["errors"]
