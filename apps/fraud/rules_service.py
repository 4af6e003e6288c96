"""Writes for analysts' fraud rules, their compiled form for scoring, and backtests.

Conditions are compiled with `ml.fraud.rules_language` when saved, so a rule that cannot run
never reaches scoring. Scoring keeps the compiled rules per process (`apps.fraud.scoring_config`)
and recompiles them when a rule changes.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.fraud.models import Assessment, Rule
from ml.fraud.rules import DEFAULT_RULES
from ml.fraud.rules import Rule as CompiledRule
from ml.fraud.rules_backtest import BacktestResult, backtest_rule
from ml.fraud.rules_language import RuleSyntaxError

if TYPE_CHECKING:
    from apps.accounts.models import User

RULE_FIELDS = ("name", "description", "condition", "action", "weight", "enabled")


def rule_compile(*, name: str, condition: str, action: str, weight: float, enabled: bool = True) -> CompiledRule:
    """The scoring form of a rule; a bad condition is a ValidationError on "condition" naming the column."""
    try:
        return CompiledRule(name=name, condition=condition, action=action, weight=weight, enabled=enabled)
    except RuleSyntaxError as error:
        raise ValidationError({"condition": [f"{error.message} (column {error.column})"]}) from error
    except ValueError as error:
        raise ValidationError({"condition": [str(error)]}) from error


def _validated(rule: Rule) -> None:
    rule_compile(name=rule.name, condition=rule.condition, action=rule.action, weight=rule.weight)
    rule.full_clean(exclude=["created_by", "updated_by"])


def rule_create(*, actor: User | None, source: str = "api", **fields) -> Rule:
    rule = Rule(**{name: fields[name] for name in RULE_FIELDS if name in fields}, created_by=actor, updated_by=actor)
    _validated(rule)
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            instance=rule,
            after=snapshot(rule),
            summary=f"Created fraud rule {rule.name}",
            source=source,
        )
    return rule


def rule_update(*, actor: User | None, rule: Rule, source: str = "api", **changes) -> Rule:
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(rule)
        for name in RULE_FIELDS:
            if name in changes:
                setattr(rule, name, changes[name])
        rule.updated_by = actor
        _validated(rule)
        rule.save()
        audit_record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            instance=rule,
            before=before,
            after=snapshot(rule),
            summary=f"Updated fraud rule {rule.name}",
            source=source,
        )
    return rule


def rule_delete(*, actor: User | None, rule: Rule, source: str = "api") -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditLog.Action.DELETE,
            instance=rule,
            before=snapshot(rule),
            summary=f"Deleted fraud rule {rule.name}",
            source=source,
        )
        rule.delete()


DEFAULT_DESCRIPTIONS = {
    "VELOCITY_BREACH": "Too many payments or too much money in a short time",
    "UNUSUAL_AMOUNT": "Amount more than 3 standard deviations above the customer's usual amounts",
    "UNUSUAL_TIME": "Several payments at night within an hour",
    "RISKY_FIRST_TXN": "Large first payment of a new customer",
    "HIGH_RISK_COUNTRY": "IP country differs from the billing country, from a VPN-like address",
    "BLACKLISTED_DEVICE": "Device is on the block list",
}


def rules_install_defaults(*, rule_model: type[Rule] = Rule) -> int:
    """Install the shipped `DEFAULT_RULES` that are missing (by name); returns how many were added.

    The data migration passes its historical model; a deleted shipped rule stays deleted.
    """
    existing = set(rule_model.objects.values_list("name", flat=True))
    added = [
        rule_model(
            name=rule.name,
            description=DEFAULT_DESCRIPTIONS.get(rule.name, ""),
            condition=rule.condition,
            action=str(rule.action),
            weight=rule.weight,
            shipped=True,
        )
        for rule in DEFAULT_RULES
        if rule.name not in existing
    ]
    rule_model.objects.bulk_create(added, ignore_conflicts=True)
    return len(added)


# --- the compiled rules scoring uses ---------------------------------------------------------


def rules_enabled() -> dict[str, tuple[CompiledRule, str]]:
    """Enabled rules by name: (compiled rule, description)."""
    return {
        rule.name: (
            CompiledRule(name=rule.name, condition=rule.condition, action=rule.action, weight=rule.weight),
            rule.description,
        )
        for rule in Rule.objects.filter(enabled=True)
    }


# --- backtest ----------------------------------------------------------------------------------


def rule_backtest(
    *, condition: str, start: datetime, end: datetime, merchant_ids: list[int] | None = None
) -> BacktestResult:
    """How `condition` would have done on payments scored in [start, end) (by payment time).

    It runs on the features stored with each assessment (exactly what scoring saw, never
    recomputed) and on today's labels of those payments.
    """
    rule = rule_compile(name="backtest", condition=condition, action="flag", weight=0.0)
    assessments = Assessment.objects.filter(payment__timestamp__gte=start, payment__timestamp__lt=end)
    if merchant_ids is not None:
        assessments = assessments.filter(merchant_id__in=merchant_ids)
    rows = list(assessments.values_list("features", "payment__is_fraud"))
    frame = pd.DataFrame.from_records([features for features, _ in rows], columns=sorted(rule.compiled.variables))
    frame["is_fraud"] = pd.Series([label for _, label in rows], dtype=object)
    return backtest_rule(rule, frame)
