"""Layout, navigation, login, list behaviour (filters, pagination, empty states) and detail pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from apps.core.exports import Column, csv_lines
from apps.core.staticfinders import PlotlyJsFinder
from apps.customers.models import link_customers
from apps.orders.services import order_transition
from tests import factories


def _nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def test_navigation_follows_the_roles_each_page_allows(login, staff_a, analyst, agent):
    fraud_settings = ["Risk settings", "Webhooks"]
    risk_pages = ["Risk", "Scalping", "Collusion rings", "Bot sessions"]
    assert _nav_labels(login(staff_a).get("/")) == [
        "Dashboard", "Analytics", "Catalog", "Price outliers", "Search", "Orders", "Customers", "Segments", "Reviews",
        "Review insights", *risk_pages, *fraud_settings, "Recommendations", "Experiments", "Chat overview",
    ]
    assert _nav_labels(login(analyst).get("/")) == [
        "Dashboard", "Analytics", "Orders", "Segments", "Fraud queue", *risk_pages, *fraud_settings, "Experiments", "Models",
        "Monitoring",
    ]
    assert _nav_labels(login(agent).get("/")) == [
        "Dashboard", "Analytics", "Orders", "Customers", "Segments", *fraud_settings, "Experiments",
        "Chat inbox", "Chat overview",
    ]
    assert login(analyst).get("/catalog/").status_code == 403
    assert login(agent).get("/reviews/").status_code == 403


def test_header_shows_role_merchants_logout_and_admin_link_for_admins(login, staff_a, platform_admin, merchant_a):
    html = login(staff_a).get("/").content.decode()
    assert "ShopSignal" in html and "Merchant staff" in html and "Mugs &amp; More" in html
    assert 'action="/accounts/logout/"' in html and "csrfmiddlewaretoken" in html
    assert "/admin/" not in html
    admin_html = login(platform_admin).get("/").content.decode()
    assert 'href="/admin/"' in admin_html and "All merchants" in admin_html


def test_login_page_signs_in_and_returns_to_the_page_asked_for(client, staff_a):
    page = client.get("/accounts/login/?next=/orders/")
    assert page.status_code == 200 and b"Sign in to ShopSignal" in page.content
    response = client.post("/accounts/login/", {"username": "staff_a", "password": "pass12345", "next": "/orders/"})
    assert response.status_code == 302 and response["Location"] == "/orders/"
    wrong = client.post("/accounts/login/", {"username": "staff_a", "password": "nope"})
    assert wrong.status_code == 200 and b"form-error" in wrong.content


def test_logout_is_a_post_that_ends_the_session(login, staff_a):
    client = login(staff_a)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_plotly_is_served_from_the_installed_package_not_a_cdn(login, staff_a):
    found = finders.find("vendor/plotly.min.js")
    assert found and found.endswith("plotly/package_data/plotly.min.js")
    listed = [(path, storage.prefix) for path, storage in PlotlyJsFinder().list(None)]
    assert listed == [("plotly.min.js", "vendor")]  # what collectstatic copies to vendor/plotly.min.js
    html = login(staff_a).get("/").content.decode()
    assert '<script src="/static/vendor/plotly.min.js"' in html
    assert "cdn" not in html.lower()


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    columns = [Column("title", lambda row: row[0]), Column("price", lambda row: row[1])]
    rows = list(csv.reader(io.StringIO("".join(csv_lines(columns, [("=HYPERLINK(1)", Decimal("-2.50")), ("ok", None)])))))
    assert rows == [["title", "price"], ["'=HYPERLINK(1)", "-2.50"], ["ok", ""]]


def test_product_list_paginates_50_rows_with_a_fixed_number_of_queries(login, staff_a, merchant_a, django_assert_max_num_queries):
    factories.ProductFactory.create_batch(55, merchant=merchant_a)
    client = login(staff_a)
    with django_assert_max_num_queries(12):
        first = client.get("/catalog/")
    assert len(first.context["page_obj"].object_list) == 50
    assert "page 1 of 2" in first.content.decode()
    second = client.get("/catalog/", {"page": 2})
    assert len(second.context["page_obj"].object_list) == 5


def test_product_list_filters_by_search_category_and_flags(login, staff_a, merchant_a):
    mugs = factories.CategoryFactory(name="Mugs")
    factories.ProductFactory(merchant=merchant_a, title="Name Mug", category=mugs, customisable=True)
    factories.ProductFactory(merchant=merchant_a, title="Plain Mug", category=mugs, customisable=False, active=False)
    factories.ProductFactory(merchant=merchant_a, title="Poster")
    client = login(staff_a)

    def titles(**params):
        return [p.title for p in client.get("/catalog/", params).context["page_obj"]]

    assert sorted(titles(q="mug")) == ["Name Mug", "Plain Mug"]
    assert sorted(titles(category="Mugs")) == ["Name Mug", "Plain Mug"]
    assert titles(customisable="false") == ["Plain Mug"]
    assert sorted(titles(active="true")) == ["Name Mug", "Poster"]


def test_merchant_column_only_for_users_of_several_merchants(login, staff_a, platform_admin, shop_a):
    assert login(staff_a).get("/catalog/").context["show_merchant"] is False
    assert login(platform_admin).get("/catalog/").context["show_merchant"] is True


def test_order_list_date_filter_includes_the_last_day(login, staff_a, merchant_a):
    day = timezone.now().replace(hour=18, minute=0, second=0, microsecond=0) - timedelta(days=5)
    factories.OrderFactory(merchant=merchant_a, number="ORD-5", placed_at=day)
    factories.OrderFactory(merchant=merchant_a, number="ORD-6", placed_at=day + timedelta(days=1), status="shipped")
    client = login(staff_a)
    response = client.get("/orders/", {"placed_from": day.date().isoformat(), "placed_to": day.date().isoformat()})
    assert [o.number for o in response.context["page_obj"]] == ["ORD-5"]
    assert [o.number for o in client.get("/orders/", {"status": "shipped"}).context["page_obj"]] == ["ORD-6"]


def test_review_list_filters_by_rating(login, staff_a, merchant_a):
    factories.ReviewFactory(merchant=merchant_a, rating=5, title="Loved it")
    factories.ReviewFactory(merchant=merchant_a, rating=2, title="Chipped")
    response = login(staff_a).get("/reviews/", {"rating": 2})
    assert [r.title for r in response.context["page_obj"]] == ["Chipped"]


@pytest.mark.parametrize(
    ("url", "next_step"),
    [
        ("/catalog/", "python manage.py import_data products FILE.csv"),
        ("/orders/", "python manage.py import_data orders FILE.csv"),
        ("/customers/", "python manage.py import_data customers FILE.csv"),
        ("/reviews/", "python manage.py import_data reviews FILE.csv"),
    ],
)
def test_empty_lists_say_what_to_do_next(login, staff_a, url, next_step):
    html = login(staff_a).get(url).content.decode()
    assert next_step in html and "make demo" in html
    assert "match these filters" in login(staff_a).get(url, {"q": "zzz"}).content.decode()


def test_product_page_shows_rating_average_stock_attributes_and_orders(login, staff_a, shop_a):
    factories.ReviewFactory(merchant=shop_a.merchant, product=shop_a.product, rating=1)
    response = login(staff_a).get(f"/catalog/{shop_a.product.external_id}/")
    activity = response.context["activity"]
    assert activity.rating_average == 2.5 and activity.review_count == 2  # (4 + 1) / 2
    assert activity.units_ordered == 2
    html = response.content.decode()
    assert "red, blue" in html and shop_a.order.number in html and "2.5" in html


def test_shared_customer_shows_each_merchant_only_its_own_orders(login, staff_a, staff_b, shop_a, shop_b):
    shared = factories.CustomerFactory(external_id="C-SHARED")
    factories.OrderFactory(merchant=shop_a.merchant, customer=shared, number="ORD-3001")
    factories.OrderFactory(merchant=shop_b.merchant, customer=shared, number="ORD-3002")
    link_customers({(shop_a.merchant.id, shared.id), (shop_b.merchant.id, shared.id)})
    html_a = login(staff_a).get("/customers/C-SHARED/").content.decode()
    assert "ORD-3001" in html_a and "ORD-3002" not in html_a
    html_b = login(staff_b).get("/customers/C-SHARED/").content.decode()
    assert "ORD-3002" in html_b and "ORD-3001" not in html_b


def test_order_page_lists_items_payments_and_allowed_next_statuses(login, staff_a, shop_a):
    response = login(staff_a).get(f"/orders/{shop_a.order.number}/")
    assert response.context["next_statuses"] == ["cancelled", "fulfilled", "refunded"]
    html = response.content.decode()
    assert "TX-ALPHA" in html and "Alpha Engraved Mug" in html and "25.00" in html


def test_order_page_shows_status_changes_from_the_audit_trail(login, staff_a, shop_a):
    order_transition(actor=staff_a, order=shop_a.order, status="fulfilled")
    response = login(staff_a).get(f"/orders/{shop_a.order.number}/")
    assert "ORD-1001: paid -&gt; fulfilled" in response.content.decode()
    assert response.context["next_statuses"] == ["refunded", "shipped"]


def test_the_top_bar_groups_pages_by_job_and_a_lone_entry_stands_alone(login, staff_a, agent):
    nav = login(staff_a).get("/").context["nav_groups"]
    groups = {group["label"]: [item["label"] for item in group["items"]] for group in nav}
    assert list(groups)[:2] == ["Dashboard", "Merchandising"] and "Fraud & risk" in groups
    assert groups["Merchandising"][:2] == ["Analytics", "Catalog"] and "Bot sessions" in groups["Fraud & risk"]
    html = login(staff_a).get("/catalog/").content.decode()
    assert '<details class="navgroup" data-navgroup>' in html and 'aria-current="page">Catalog</a>' in html
    agent_groups = [group["label"] for group in login(agent).get("/").context["nav_groups"]]
    assert "Support" in agent_groups and "Models" not in agent_groups
