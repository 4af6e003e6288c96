"""Admin changes and analysts' case decisions land in the AuditLog."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.core.models import AuditLog
from apps.fraud.cases import case_decide
from tests import factories
from tests.fraud.case_factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(platform_admin) -> Client:
    client = Client()
    client.force_login(platform_admin)
    return client


def test_admin_edit_is_audited_with_the_changed_fields(admin_client, platform_admin):
    category = factories.CategoryFactory(name="Mugs")
    url = reverse("admin:catalog_category_change", args=[category.pk])
    response = admin_client.post(url, {"name": "Mugs Renamed", "parent": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = AuditLog.objects.get(source="admin", object_type="catalog.Category", object_id=str(category.pk))
    assert entry.actor == platform_admin
    assert entry.action == AuditLog.Action.UPDATE
    assert "Name" in entry.summary


def test_admin_bulk_delete_is_audited_row_by_row(admin_client):
    products = [factories.ProductFactory() for _ in range(2)]
    response = admin_client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in products], "post": "yes"},
    )
    assert response.status_code == 302
    logged = set(
        AuditLog.objects.filter(source="admin", action=AuditLog.Action.DELETE, object_type="catalog.Product")
        .values_list("object_id", flat=True)
    )
    assert logged == {str(p.pk) for p in products}


def test_token_revocation_in_the_admin_is_audited(admin_client, staff_a):
    from apps.accounts.models import ApiToken

    token, _ = ApiToken.issue(user=staff_a)
    admin_client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(source="admin", object_type="accounts.ApiToken", object_id=str(token.pk)).exists()


def test_analyst_decision_is_audited(merchant_a, analyst):
    case = make_case(merchant_a)
    case_decide(case=case, actor=analyst, outcome="approved", is_fraud=False, source="portal")
    entry = AuditLog.objects.filter(object_type="fraud.ReviewCase", object_id=str(case.pk)).latest("at")
    assert entry.actor == analyst
    assert entry.source == "portal"
    assert "decide" in entry.summary or "approved" in entry.summary
