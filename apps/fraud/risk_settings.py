"""Per-merchant risk settings: reading a merchant's row (or the defaults it would get) and changing it.

Small enough to keep the read and the write side by side. Who may change them is decided here,
not in views: analysts and platform admins own the platform's risk posture, because the
marketplace carries the fraud losses; merchant staff may read their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.fraud.cases import CaseForbidden, works_cases
from apps.fraud.models import RiskSettings, Rule

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.merchants.models import Merchant

MAX_REVIEW_SLA_MINUTES = 7 * 24 * 60


def risk_settings_for_merchants(*, merchants: Iterable[Merchant]) -> list[RiskSettings]:
    """Each merchant's stored row, or an unsaved one with the defaults (nothing overridden), in order."""
    merchants = list(merchants)
    stored = {
        row.merchant_id: row for row in RiskSettings.objects.filter(merchant__in=merchants).prefetch_related("disabled_rules")
    }
    return [stored.get(merchant.pk) or RiskSettings(merchant=merchant) for merchant in merchants]


def risk_settings_for(*, merchant: Merchant) -> RiskSettings:
    return risk_settings_for_merchants(merchants=[merchant])[0]


def may_edit_risk_settings(user: User) -> bool:
    return works_cases(user)


def _validate(*, review_threshold: float | None, decline_threshold: float | None, review_sla_minutes: int) -> None:
    errors: dict[str, list[str]] = {}
    for field, value in (("review_threshold", review_threshold), ("decline_threshold", decline_threshold)):
        if value is not None and not 0 <= value <= 1:
            errors[field] = ["Must be between 0 and 1."]
    if review_threshold is not None and decline_threshold is not None and not errors and review_threshold > decline_threshold:
        errors["decline_threshold"] = ["Must not be below the review threshold."]
    if not 1 <= review_sla_minutes <= MAX_REVIEW_SLA_MINUTES:
        errors["review_sla_minutes"] = [f"Must be between 1 and {MAX_REVIEW_SLA_MINUTES} minutes."]
    if errors:
        raise ValidationError(errors)


def risk_settings_update(
    *,
    actor: User,
    merchant: Merchant,
    review_threshold: float | None,
    decline_threshold: float | None,
    disabled_rules: list[Rule],
    review_sla_minutes: int,
    source: str = "api",
) -> RiskSettings:
    """Replace the merchant's settings (creating its row on first change). Empty thresholds fall
    back to the platform row, then to the production model's validated thresholds."""
    if not may_edit_risk_settings(actor):
        raise CaseForbidden("Only fraud analysts and platform admins change risk settings.")
    _validate(review_threshold=review_threshold, decline_threshold=decline_threshold, review_sla_minutes=review_sla_minutes)
    with transaction.atomic():
        settings, _ = RiskSettings.objects.select_for_update().get_or_create(merchant=merchant)
        before = {**snapshot(settings), "disabled_rules": sorted(settings.disabled_rules.values_list("name", flat=True))}
        settings.review_threshold = review_threshold
        settings.decline_threshold = decline_threshold
        settings.review_sla_minutes = review_sla_minutes
        settings.save()
        settings.disabled_rules.set(disabled_rules)
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            instance=settings,
            before=before,
            after={**snapshot(settings), "disabled_rules": sorted(rule.name for rule in disabled_rules)},
            summary=f"Changed risk settings of {merchant.slug}",
            source=source,
        )
    return settings
