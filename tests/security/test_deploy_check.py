"""Production settings pass `manage.py check --deploy`, and every response carries the security headers."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x7Jq2-prod-like-secret-" + "k9Vw3mZr8LpT5sYb1NcQ6hXf4GdE0aUo" * 2,
        "DJANGO_ALLOWED_HOSTS": "shopsignal.example.com",
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_portal_pages_carry_the_content_security_policy(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("dashboard:home"))
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_api_docs_page_runs_no_inline_script(client):
    response = client.get(reverse("swagger-ui"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html  # the start-up script is a separate file (?script)
    assert "cdn.jsdelivr.net" in response["Content-Security-Policy"]
    assert client.get(reverse("swagger-ui") + "?script").status_code == 200
