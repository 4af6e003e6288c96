"""Writes for the review queue: opening cases and every analyst action on them.

Ownership of a case changes only through compare-and-set updates (`filter(<expected state>).update`):
the database applies them one at a time per row, so two analysts clicking "claim" together can never
both hold the case, whatever the isolation level. Each action leaves a CaseEvent (the trail shown on
the case page) and an audit record (the platform-wide log admins read).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.core.audit import audit_record, snapshot
from apps.core.models import AuditLog
from apps.fraud.case_selectors import review_sla_minutes, review_sla_minutes_many, waiting_q
from apps.fraud.copy_insert import rows_insert
from apps.fraud.labels import ANALYST, payments_label
from apps.fraud.models import CaseEvent, ReviewCase
from apps.fraud.webhooks import webhooks_enqueue

if TYPE_CHECKING:
    from apps.fraud.models import Assessment

CASE_WORKER_ROLES = frozenset({User.Role.FRAUD_ANALYST, User.Role.PLATFORM_ADMIN})
# One answer for "no such user" and "a user who may not work cases": a distinct message would let
# any caller probe which usernames exist.
NOT_A_CASE_WORKER = "Not an analyst of this merchant: cases go to active fraud analysts or platform admins."

# Which label each outcome allows: declining as fraud says "fraud", a false positive says
# "legitimate"; a refund can follow either (a real customer's complaint or a confirmed fraud).
OUTCOME_LABELS: dict[str, frozenset[bool]] = {
    ReviewCase.Outcome.APPROVED: frozenset({False}),
    ReviewCase.Outcome.DECLINED_FRAUD: frozenset({True}),
    ReviewCase.Outcome.REFUNDED: frozenset({True, False}),
    ReviewCase.Outcome.FALSE_POSITIVE: frozenset({False}),
}


class CaseAction:
    OPENED = "opened"
    CLAIMED = "claimed"
    RELEASED = "released"
    ASSIGNED = "assigned"
    SNOOZED = "snoozed"
    NOTED = "noted"
    DECIDED = "decided"


class CaseConflict(Exception):
    """The case is not in a state that allows the action (someone else holds it, it is decided...).

    Views answer 409: the request was well formed, the world moved on."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class CaseForbidden(Exception):
    """The actor's role may not work cases (views answer 403)."""


def works_cases(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in CASE_WORKER_ROLES))


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.role == User.Role.PLATFORM_ADMIN


def require_case_worker(actor: User) -> None:
    """403 before anything else: views call it ahead of input validation so refusals leak nothing."""
    if not works_cases(actor):
        raise CaseForbidden("Only fraud analysts and platform admins work review cases.")


def _record(
    *,
    case: ReviewCase,
    actor: User | None,
    action: str,
    before: dict | None,
    source: str,
    note: str = "",
    data: dict | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(case=case, actor=actor, action=action, note=note, data=data or {})
    audit_record(
        actor=actor,
        action=AuditLog.Action.ACTION,
        instance=case,
        before=before,
        after=snapshot(case),
        summary=f"Case {case.pk}: {action}" + (f" ({note})" if note else ""),
        source=source,
    )
    return event


def _compare_and_set(*, case: ReviewCase, expected: Q, changes: dict[str, Any], refusal: str, code: str) -> dict:
    """Apply `changes` only if the row still matches `expected`; returns the snapshot from before.

    Zero rows updated means another request changed the case first: refuse with `refusal`."""
    before = snapshot(case)
    updated = ReviewCase.objects.filter(expected, pk=case.pk).update(**changes, updated_at=timezone.now())
    case.refresh_from_db()
    if not updated:
        raise CaseConflict(refusal, code=code)
    return before


def case_open(*, assessment: Assessment) -> ReviewCase:
    """The review case of an assessment, created on first call (replays of a payment reuse it).

    Priority is the score, so the riskiest payments come first; the SLA clock starts now, with the
    merchant's own review SLA or the platform's.
    """
    with transaction.atomic():
        case, created = ReviewCase.objects.get_or_create(
            assessment=assessment,
            defaults={
                "merchant_id": assessment.merchant_id,
                "priority": assessment.score,
                "sla_due_at": timezone.now() + timedelta(minutes=review_sla_minutes(merchant_id=assessment.merchant_id)),
            },
        )
        if created:
            CaseEvent.objects.create(
                case=case, action=CaseAction.OPENED, data={"score": assessment.score, "flags": assessment.flags}
            )
    return case


def cases_open_new(*, assessments: list[Assessment]) -> list[ReviewCase]:
    """`case_open` for assessments written in the current transaction (so none has a case yet), in bulk.

    Scoring a batch opens up to one case per payment; one by one that was six queries each.
    Here it is three for the batch: the SLAs, the cases and their "opened" events.
    """
    if not assessments:
        return []
    now = timezone.now()
    sla = review_sla_minutes_many(merchant_ids={a.merchant_id for a in assessments})
    cases = rows_insert(
        ReviewCase,
        [
            ReviewCase(
                assessment=a,
                merchant_id=a.merchant_id,
                priority=a.score,
                sla_due_at=now + timedelta(minutes=sla[a.merchant_id]),
            )
            for a in assessments
        ],
    )
    rows_insert(
        CaseEvent,
        [
            CaseEvent(case=case, action=CaseAction.OPENED, data={"score": a.score, "flags": a.flags})
            for case, a in zip(cases, assessments, strict=True)
        ],
    )
    return cases


def case_claim(*, case: ReviewCase, actor: User, source: str = "api") -> ReviewCase:
    """Take a waiting case; refused if anyone (the actor included) already holds it."""
    require_case_worker(actor)
    now = timezone.now()
    with transaction.atomic():
        before = _compare_and_set(
            case=case,
            expected=waiting_q(now) & Q(assignee__isnull=True),
            changes={"status": ReviewCase.Status.CLAIMED, "assignee": actor, "claimed_at": now, "snoozed_until": None},
            refusal="This case is not waiting in the queue: someone else holds it, or it is snoozed or decided.",
            code="not_claimable",
        )
        _record(case=case, actor=actor, action=CaseAction.CLAIMED, before=before, source=source)
    return case


def case_release(*, case: ReviewCase, actor: User, source: str = "api") -> ReviewCase:
    """Put a claimed case back in the queue; only its holder (or an admin) may."""
    require_case_worker(actor)
    expected = Q(status=ReviewCase.Status.CLAIMED)
    if not _is_admin(actor):
        expected &= Q(assignee=actor)
    with transaction.atomic():
        before = _compare_and_set(
            case=case,
            expected=expected,
            changes={"status": ReviewCase.Status.OPEN, "assignee": None, "claimed_at": None},
            refusal="Only the analyst holding this case (or an admin) can release it.",
            code="not_holder",
        )
        _record(case=case, actor=actor, action=CaseAction.RELEASED, before=before, source=source)
    return case


def _holder_or_waiting(actor: User, now: datetime) -> Q:
    """Who may hand a case on: anyone while it waits unclaimed, then its holder; admins always."""
    undecided = ~Q(status=ReviewCase.Status.DECIDED)
    if _is_admin(actor):
        return undecided
    return undecided & ((waiting_q(now) & Q(assignee__isnull=True)) | Q(status=ReviewCase.Status.CLAIMED, assignee=actor))


def case_assign(*, case: ReviewCase, actor: User, assignee: User, source: str = "api") -> ReviewCase:
    """Hand a case to a colleague who works cases; it becomes claimed by them."""
    require_case_worker(actor)
    if not (assignee.is_active and works_cases(assignee)):
        raise ValidationError({"assignee": [NOT_A_CASE_WORKER]})
    now = timezone.now()
    with transaction.atomic():
        before = _compare_and_set(
            case=case,
            expected=_holder_or_waiting(actor, now),
            changes={"status": ReviewCase.Status.CLAIMED, "assignee": assignee, "claimed_at": now, "snoozed_until": None},
            refusal="Only an unclaimed case, or one you hold, can be assigned (admins may reassign any).",
            code="not_assignable",
        )
        _record(
            case=case,
            actor=actor,
            action=CaseAction.ASSIGNED,
            before=before,
            source=source,
            data={"assignee": assignee.username},
        )
    return case


def case_snooze(*, case: ReviewCase, actor: User, until: datetime, source: str = "api") -> ReviewCase:
    """Park a case (waiting for the customer, the bank...) until `until`, when it is back in the queue, unassigned."""
    require_case_worker(actor)
    now = timezone.now()
    if until <= now:
        raise ValidationError({"until": ["Snooze until a time in the future."]})
    with transaction.atomic():
        before = _compare_and_set(
            case=case,
            expected=_holder_or_waiting(actor, now),
            changes={"status": ReviewCase.Status.SNOOZED, "snoozed_until": until, "assignee": None, "claimed_at": None},
            refusal="Only an unclaimed case, or one you hold, can be snoozed.",
            code="not_snoozable",
        )
        _record(
            case=case, actor=actor, action=CaseAction.SNOOZED, before=before, source=source, data={"until": until.isoformat()}
        )
    return case


def case_note(*, case: ReviewCase, actor: User, text: str, source: str = "api") -> CaseEvent:
    """Add a note; any analyst may, at any time, decided cases included (follow-ups, chargebacks)."""
    require_case_worker(actor)
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["A note needs some text."]})
    with transaction.atomic():
        return _record(case=case, actor=actor, action=CaseAction.NOTED, before=None, source=source, note=text)


def case_decide(
    *, case: ReviewCase, actor: User, outcome: str, is_fraud: bool, note: str = "", source: str = "api"
) -> ReviewCase:
    """Close a case with an outcome and a label; final, and the label becomes training data.

    The payment takes the label (label_source "analyst") unless a chargeback already labelled it:
    the card network's word outranks an analyst's. The merchant's endpoints get an "outcome" webhook.
    """
    require_case_worker(actor)
    if outcome not in OUTCOME_LABELS:
        raise ValidationError({"outcome": [f"Choose one of: {', '.join(OUTCOME_LABELS)}."]})
    if is_fraud not in OUTCOME_LABELS[outcome]:
        label = "fraud" if is_fraud else "legitimate"
        raise ValidationError({"is_fraud": [f"A {label} label contradicts the outcome {outcome}."]})
    now = timezone.now()
    with transaction.atomic():
        before = _compare_and_set(
            case=case,
            expected=_holder_or_waiting(actor, now),
            changes={
                "status": ReviewCase.Status.DECIDED,
                "outcome": outcome,
                "is_fraud": is_fraud,
                "decided_by": actor,
                "decided_at": now,
                # an unclaimed case is decided by the actor, who then holds it on the record
                "assignee": Coalesce(F("assignee"), Value(actor.pk)),
                "snoozed_until": None,
            },
            refusal="Decided cases are final, and a case someone else holds is theirs to decide.",
            code="not_decidable",
        )
        payments_label(payment_ids=[case.assessment.payment_id], is_fraud=is_fraud, source=ANALYST)
        _record(
            case=case,
            actor=actor,
            action=CaseAction.DECIDED,
            before=before,
            source=source,
            note=note.strip(),
            data={"outcome": outcome, "is_fraud": is_fraud},
        )
        webhooks_enqueue(
            merchant_id=case.merchant_id,
            event="outcome",
            payload={
                "transaction_id": case.assessment.payment.transaction_id,
                "case_id": case.pk,
                "outcome": outcome,
                "is_fraud": is_fraud,
                "decided_at": now.isoformat(),
            },
        )
    return case


BULK_ACTIONS: dict[str, Callable[..., Any]] = {
    "claim": case_claim,
    "release": case_release,
    "assign": case_assign,
    "snooze": case_snooze,
    "decide": case_decide,
}


def cases_bulk(
    *, cases: list[ReviewCase], actor: User, action: str, params: dict[str, Any] | None = None, source: str = "api"
) -> list[dict[str, Any]]:
    """Apply one action to each case on its own: one refusal does not undo the others.

    Returns one result per case, in order: {"case_id", "ok", "status"} or {"case_id", "ok", "error", "code"}.
    """
    require_case_worker(actor)
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": [f"Choose one of: {', '.join(BULK_ACTIONS)}."]})
    service = BULK_ACTIONS[action]
    results = []
    for case in cases:
        try:
            service(case=case, actor=actor, source=source, **(params or {}))
        except CaseConflict as exc:
            results.append({"case_id": case.pk, "ok": False, "error": str(exc), "code": exc.code})
        except ValidationError as exc:
            results.append({"case_id": case.pk, "ok": False, "error": " ".join(exc.messages), "code": "invalid"})
        except ObjectDoesNotExist:
            results.append({"case_id": case.pk, "ok": False, "error": "No such case.", "code": "not_found"})
        else:
            results.append({"case_id": case.pk, "ok": True, "status": case.status})
    return results
