"""Sign-in throttling (django-axes): a lockout after AXES_FAILURE_LIMIT failures from one address,
a page that says why, and an admin action that lifts it."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apps.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_lockout_after_the_failure_limit_with_a_clear_message(staff_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "staff_a", "wrong")
        assert response.status_code == 200  # the form again, with its error
    locked = _sign_in(client, "staff_a", "wrong")
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "Too many failed sign-ins" in locked.content.decode()
    # Even the right password is refused while locked.
    assert _sign_in(client, "staff_a", "pass12345").status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_address_so_attackers_cannot_lock_staff_out_everywhere(staff_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "staff_a", "wrong", ip="198.51.100.9")
    response = _sign_in(Client(), "staff_a", "pass12345", ip="203.0.113.50")
    assert response.status_code == 302


def test_success_before_the_limit_resets_the_count(staff_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "staff_a", "wrong")
    assert _sign_in(client, "staff_a", "pass12345").status_code == 302
    assert not AccessAttempt.objects.filter(username="staff_a", failures_since_start__gt=0).exists()


def test_admin_unlocks_a_locked_user_and_the_unlock_is_audited(staff_a, platform_admin):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "staff_a", "wrong")
    assert _sign_in(Client(), "staff_a", "pass12345").status_code == 429

    admin = Client()
    admin.force_login(platform_admin)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [staff_a.pk]},
    )
    assert response.status_code == 302
    assert _sign_in(Client(), "staff_a", "pass12345").status_code == 302
    entry = AuditLog.objects.get(source="admin", object_type="accounts.User", object_id=str(staff_a.pk))
    assert entry.actor == platform_admin and "Unlocked" in entry.summary


def test_failed_attempts_are_listed_in_the_admin(staff_a, platform_admin):
    _sign_in(Client(), "staff_a", "wrong")
    admin = Client()
    admin.force_login(platform_admin)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "staff_a" in page.content.decode()
