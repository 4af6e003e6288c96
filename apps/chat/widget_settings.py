"""A merchant's chat widget settings: read and change the storefront origins allowed to open its chat."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from apps.chat.models import WidgetSettings
from apps.chat.origins import origins_normalise
from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.merchants.models import Merchant

MAX_ORIGINS = 20


class TooManyOrigins(ValueError):
    pass


def widget_origins(merchant_id: int) -> list[str]:
    """The merchant's listed storefront origins (empty: ShopSignal's own site only)."""
    return WidgetSettings.objects.filter(merchant_id=merchant_id).values_list("allowed_origins", flat=True).first() or []


def widget_origins_set(*, actor, merchant: Merchant, origins: Iterable[str], source: str = "api") -> WidgetSettings:
    """Replace the merchant's allowed origins (normalised, de-duplicated); audited. Setting the same list again is a no-op.

    Raises apps.chat.origins.InvalidOrigin for an entry that is not scheme://host[:port], and
    TooManyOrigins past MAX_ORIGINS.
    """
    normalised = origins_normalise(origins)
    if len(normalised) > MAX_ORIGINS:
        raise TooManyOrigins(f"At most {MAX_ORIGINS} origins; got {len(normalised)}.")
    with transaction.atomic():
        widget, created = WidgetSettings.objects.select_for_update().get_or_create(merchant=merchant)
        if not created and widget.allowed_origins == normalised:
            return widget
        before = None if created else snapshot(widget)
        widget.allowed_origins = normalised
        widget.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            instance=widget,
            before=before,
            after=snapshot(widget),
            summary=f"Chat widget origins of {merchant.slug}: {', '.join(normalised) or 'own site only'}"[:255],
            source=source,
        )
    return widget
