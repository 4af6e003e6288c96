"""The geoip data: loaded by the process warm-up, and lazily by the first lookup without it."""
from __future__ import annotations

import pytest

from apps.core.warmup import WORKER, warm_up
from apps.fraud import ip_country
from apps.fraud.models import Assessment
from tests.fraud.scoring_support import clean_velocity, payment_body  # noqa: F401

pytestmark = pytest.mark.usefixtures("clean_velocity")


@pytest.fixture
def no_reader(monkeypatch):
    """A process that has not loaded the data yet (the loaded reader is put back afterwards)."""
    monkeypatch.setattr(ip_country, "_reader", None)
    ip_country.ip_info.cache_clear()
    yield
    ip_country.ip_info.cache_clear()


def test_the_warm_up_loads_the_data(no_reader):
    took = warm_up(WORKER)
    assert ip_country._reader is not None and "geoip data" in took


@pytest.mark.django_db
def test_scoring_without_warm_up_loads_it_on_the_first_payment(no_reader, api_a):
    response = api_a.post("/api/v1/fraud/score", payment_body("T1", ip_address="159.89.1.1"), format="json")
    assert response.status_code == 201, response.content
    features = Assessment.objects.get(payment__transaction_id="T1").features
    assert features["ip_country"] == "DE" and features["is_vpn_ip"] is True  # DigitalOcean, Germany
    assert ip_country._reader is not None
