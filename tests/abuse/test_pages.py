"""The abuse pages: rows and the graph for the right people, CSV, the re-run button."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from apps.abuse.models import Ring
from tests.abuse.builders import make_scalping_flag, plant_ring, plant_scalpers

pytestmark = pytest.mark.django_db


def test_ring_page_draws_the_graph_coloured_by_kind(login, analyst, merchant_a):
    plant_ring(merchant_a)
    response = login(analyst).post(reverse("abuse:detect"), {"back": "rings"})
    assert response.status_code == 302 and response["Location"] == reverse("abuse:ring-list")
    ring = Ring.objects.get()
    html = login(analyst).get(reverse("abuse:ring-detail", kwargs={"pk": ring.pk})).content.decode()
    assert "C-RING-0" in html and "card-RING" in html
    start = html.index('id="chart-ring-graph-data"')
    figure = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    legend = {trace.get("name") for trace in figure["data"] if trace.get("mode") == "markers"}
    assert legend == {"Seller", "Buyer", "Card", "Device"}
    buyers = next(trace for trace in figure["data"] if trace.get("name") == "Buyer")
    assert len(buyers["x"]) == 3


def test_lists_show_own_rows_to_merchant_staff_and_all_to_analysts(login, staff_a, analyst, merchant_a, merchant_b):
    plant_scalpers(merchant_a, name="ALPHA")
    plant_scalpers(merchant_b, name="BRAVO")
    login(analyst).post(reverse("abuse:detect"), {"back": "scalping"})
    mine = login(staff_a).get(reverse("abuse:scalping-list")).content.decode()
    assert "ALPHA Limited Drop" in mine and "BRAVO Limited Drop" not in mine
    assert "Re-run detection" not in mine  # merchant staff cannot re-run detection
    everyone = login(analyst).get(reverse("abuse:scalping-list")).content.decode()
    assert "ALPHA Limited Drop" in everyone and "BRAVO Limited Drop" in everyone and "Re-run detection" in everyone


def test_scalping_csv_holds_only_own_rows(login, staff_a, merchant_a, merchant_b):
    mine, theirs = make_scalping_flag(merchant_a), make_scalping_flag(merchant_b)
    response = login(staff_a).get(reverse("abuse:scalping-list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert mine.product.external_id in body and theirs.product.external_id not in body
    assert len(body.strip().splitlines()) == 2


def test_merchant_staff_cannot_re_run_detection(login, staff_a):
    assert login(staff_a).post(reverse("abuse:detect")).status_code == 403
