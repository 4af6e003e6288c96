"""Changing a shopper's alert preferences. Every change is logged with who made it and from
where (API, the alerts page, an accepted recommendation, demo seeding); a request that changes
nothing (turning on what is on) writes no log row, so the log lists real actions only."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from apps.alerts.models import AlertPreference, AlertPreferenceLog, Source
from apps.core.api.fields import MAX_AMOUNT
from apps.customers.models import Customer
from ml.alerts.types import ALERT_KEYS, ALERT_LABELS

if TYPE_CHECKING:
    from apps.accounts.models import User

LIMIT_ALERT = "near_credit_limit"
MIN_LIMIT = Decimal("1")


class PreferenceError(ValueError):
    """Input a person can fix; `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()
"""`monthly_limit=UNCHANGED`: keep the stored limit (None clears it)."""


def preference_set(
    *,
    customer: Customer,
    alert_type: str,
    enabled: bool,
    actor: User | None,
    source: str,
    monthly_limit: Decimal | None | _Unchanged = UNCHANGED,
) -> AlertPreference:
    """Turn one alert type on or off for `customer` (and set their monthly limit), logged."""
    if alert_type not in ALERT_KEYS:
        raise PreferenceError("alert_type", f"Unknown alert type {alert_type!r}.")
    if source not in Source.values:
        raise PreferenceError("source", f"Unknown source {source!r}.")
    if isinstance(monthly_limit, Decimal) and not MIN_LIMIT <= monthly_limit <= MAX_AMOUNT:
        raise PreferenceError("monthly_limit", f"Use an amount between {MIN_LIMIT} and {MAX_AMOUNT}.")
    with transaction.atomic():
        preference, created = AlertPreference.objects.get_or_create(customer=customer, alert_type=alert_type)
        preference = AlertPreference.objects.select_for_update().get(pk=preference.pk)
        limit = preference.monthly_limit if isinstance(monthly_limit, _Unchanged) else monthly_limit
        if alert_type == LIMIT_ALERT and enabled and limit is None:
            raise PreferenceError(
                "monthly_limit", f"'{ALERT_LABELS[LIMIT_ALERT]}' alerts need the monthly spending limit they measure against."
            )
        action = None
        if preference.enabled != enabled:
            action = AlertPreferenceLog.Action.ENABLED if enabled else AlertPreferenceLog.Action.DISABLED
        elif limit != preference.monthly_limit:
            action = AlertPreferenceLog.Action.LIMIT_CHANGED
        if action is None and not created:
            return preference
        preference.enabled = enabled
        preference.monthly_limit = limit
        preference.save()
        if action is None:  # a first explicit "off" is a decision too (and is not recommended again)
            action = AlertPreferenceLog.Action.DISABLED
        AlertPreferenceLog.objects.create(
            customer=customer,
            alert_type=alert_type,
            action=action,
            monthly_limit=limit,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            source=source,
        )
    return preference
