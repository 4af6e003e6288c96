"""Writing audit records for staff changes (services call this inside their transaction)."""
from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict

from apps.core.models import AuditLog


def snapshot(instance: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of the instance's concrete fields, for before/after columns."""
    return json.loads(json.dumps(model_to_dict(instance), cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    source: str = "api",
) -> AuditLog:
    merchant_id = getattr(instance, "merchant_id", None)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=actor,
        merchant_id=merchant_id,
        action=action,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        summary=summary[:255],
        before=before,
        after=after,
        source=source,
    )
