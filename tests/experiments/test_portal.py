"""Experiments pages: results with charts, start/stop, the create form, and the CSV export."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.experiments.charts import cumulative_conversion_figure, rates_figure
from apps.experiments.models import Experiment, ExposureUnit
from apps.experiments.selectors import experiment_results
from tests.experiments.support import make_experiment

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _traffic(experiment) -> None:
    day = timezone.now() - timedelta(days=2)
    ExposureUnit.objects.bulk_create(
        [ExposureUnit(experiment=experiment, arm="control", unit_id=f"c{i}", first_exposed_at=day,
                      converted_at=day if i < 10 else None) for i in range(100)]
        + [ExposureUnit(experiment=experiment, arm="popularity", unit_id=f"p{i}", first_exposed_at=day,
                        converted_at=day + timedelta(days=1) if i < 20 else None) for i in range(100)]
    )


def test_results_page_shows_rates_lift_note_and_charts(staff_a, merchant_a):
    experiment = make_experiment(merchant_a, running=True, key="shown")
    _traffic(experiment)
    html = _client(staff_a).get(reverse("experiments:detail", args=["shown"])).content.decode()
    assert "10.00%" in html and "20.00%" in html  # conversion of control and popularity
    assert "+100.0%" in html  # the lift of popularity
    assert "data-sample-size-note" in html and "Too early to call" in html
    assert 'id="chart-experiment-rates-data"' in html and 'id="chart-experiment-cumulative-data"' in html
    assert 'name="action" value="stop"' in html


def test_start_and_stop_buttons_post_with_csrf(staff_a, merchant_a):
    experiment = make_experiment(merchant_a, key="buttons")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    url = reverse("experiments:detail", args=["buttons"])
    page = client.get(url)
    token = page.context["csrf_token"]
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert client.post(url, {"action": "start"}).status_code == 403  # no token, refused
    assert client.post(url, {"action": "start", "csrfmiddlewaretoken": str(token)}).status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == "running"
    client.post(url, {"action": "stop", "csrfmiddlewaretoken": str(token)})
    experiment.refresh_from_db()
    assert experiment.status == "stopped"


def test_analysts_read_results_but_cannot_start(analyst, merchant_a):
    experiment = make_experiment(merchant_a, key="readonly")
    client = _client(analyst)
    url = reverse("experiments:detail", args=["readonly"])
    assert 'value="start"' not in client.get(url).content.decode()
    client.post(url, {"action": "start"})
    experiment.refresh_from_db()
    assert experiment.status == "draft"
    assert client.get(reverse("experiments:create")).status_code == 403


def _form(**overrides) -> dict:
    data = {
        "key": "from-portal", "name": "From the portal", "description": "", "surface": "recommendations",
        "merchant": "", "holdout_share": "0.1", "primary_metric": "conversion", "baseline_rate": "0.05",
        "minimum_detectable_effect": "0.2",
        "variants-TOTAL_FORMS": "3", "variants-INITIAL_FORMS": "0", "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "10",
        "variants-0-key": "control", "variants-0-weight": "1", "variants-0-is_control": "on", "variants-0-params": "",
        "variants-1-key": "blend-cf", "variants-1-weight": "1", "variants-1-params": '{"weights": {"cf": 0.8, "content": 0.2}}',
        "variants-2-key": "", "variants-2-weight": "", "variants-2-params": "",
    }
    data.update(overrides)
    return data


def test_create_form_makes_a_draft_with_variants(staff_a, merchant_a):
    response = _client(staff_a).post(reverse("experiments:create"), _form(merchant=str(merchant_a.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    experiment = Experiment.objects.get(key="from-portal")
    assert (experiment.merchant, experiment.status, experiment.holdout_share) == (merchant_a, "draft", 0.1)
    assert experiment.variants.get(key="blend-cf").params == {"weights": {"cf": 0.8, "content": 0.2}}


def test_create_form_shows_rule_errors_and_refuses_other_merchants(staff_a, merchant_a, merchant_b):
    client = _client(staff_a)
    two_controls = client.post(reverse("experiments:create"),
                               _form(merchant=str(merchant_a.pk), **{"variants-1-is_control": "on"}))
    assert two_controls.status_code == 200 and "Exactly one variant must be the control." in two_controls.content.decode()
    foreign = client.post(reverse("experiments:create"), _form(merchant=str(merchant_b.pk)))
    assert foreign.status_code == 200 and "merchant" in foreign.context["form"].errors
    platform = client.post(reverse("experiments:create"), _form(merchant=""))
    assert platform.status_code == 200 and "merchant" in platform.context["form"].errors
    assert not Experiment.objects.exists()


def test_csv_export_holds_only_own_experiments(staff_a, merchant_a, merchant_b):
    make_experiment(merchant_a, key="ours")
    make_experiment(merchant_b, key="theirs")
    make_experiment(None, key="platform")
    response = _client(staff_a).get(reverse("experiments:list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "ours" in body and "theirs" not in body and "platform" not in body
    assert len(body.strip().splitlines()) == 2


def test_charts_draw_intervals_and_cumulative_rates(merchant_a):
    experiment = make_experiment(merchant_a, running=True, key="charted")
    _traffic(experiment)
    results = experiment_results(experiment=experiment)
    conversion = rates_figure(results).data[1]
    control = results.arms[0].conversion
    assert conversion.y[0] == 0.1
    assert conversion.error_y.array[0] == pytest.approx(control.interval.high - 0.1)
    assert conversion.error_y.arrayminus[0] == pytest.approx(0.1 - control.interval.low)
    names = {arm.arm: arm.name for arm in results.arms}
    lines = {trace.name: list(trace.y) for trace in cumulative_conversion_figure(results.timeline, names).data}
    assert lines[names["control"]] == [0.1]
    assert lines[names["popularity"]] == [0.0, 0.2]
