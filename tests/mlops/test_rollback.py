"""Rollback: one click on the Models page, one API call, audited with who did it, and repeatable."""
from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.models import AuditLog
from apps.mlops.models import ModelVersion, Stage
from apps.mlops.services import ModelCard, model_promote, model_register

CARD = ModelCard({}, {}, [], None, None, {})


@pytest.fixture
def three_promotions(db):
    return [model_promote(version=model_register(name="fraud", obj=n, card=CARD)) for n in range(3)]


def test_the_models_page_offers_rollback_to_admins_only(client, three_promotions, platform_admin, analyst):
    client.force_login(platform_admin)
    assert "Roll back to previous production" in client.get(reverse("mlops:model-list")).content.decode()
    client.force_login(analyst)
    assert "Roll back to previous production" not in client.get(reverse("mlops:model-list")).content.decode()


def test_one_api_call_rolls_back_and_is_audited(api_client_for, three_promotions, platform_admin):
    response = api_client_for(platform_admin).post(reverse("modelversion-rollback"), {"name": "fraud"}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert ModelVersion.objects.get(stage=Stage.PRODUCTION).version == 2
    entry = AuditLog.objects.filter(object_type="mlops.ModelVersion").latest("pk")
    assert entry.summary == "rolled back to fraud v2 (production)"
    assert entry.actor == platform_admin and entry.before == {"production": 3} and entry.after == {"production": 2}


def test_rolling_back_a_rollback_restores_the_version_it_replaced(client, three_promotions, platform_admin):
    # "previous production" is the one that served before the current one: rollback undoes the last change
    client.force_login(platform_admin)
    client.post(reverse("mlops:model-rollback", args=["fraud"]))
    client.post(reverse("mlops:model-rollback", args=["fraud"]))
    assert ModelVersion.objects.get(stage=Stage.PRODUCTION).version == 3
    assert AuditLog.objects.filter(summary__startswith="rolled back to", source="portal").count() == 2
