"""Findings of other risk models (scalping, ...) put on a payment's assessment and into the review queue.

Such a model looks at payments after they were scored, often days later. Its finding is added to
the assessment as a flag and a reason, so the analyst sees it next to the scorer's; the decision
and score already answered to the merchant are left as they were. The review case is opened
through `case_open`, with its priority raised to the finding's score so a payment the scorer
approved does not sink to the bottom of the queue.
"""
from __future__ import annotations

from django.db import transaction

from apps.fraud.cases import case_open
from apps.fraud.models import Assessment, Decision, ReviewCase
from apps.orders.models import Payment


def external_flag_raise(*, payment: Payment, flag: str, reason: str, score: float, feature: str = "") -> ReviewCase:
    """Add `flag` and `reason` to the payment's assessment (creating one for an unscored payment)
    and open its review case. Idempotent: raising the same flag again changes nothing."""
    text = {"text": reason, "feature": feature or flag, "value": round(score, 4)}
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().filter(payment=payment).first()
        if assessment is None:
            # A payment imported without scoring: the finding is all there is to go on.
            assessment = Assessment.objects.create(
                merchant_id=payment.merchant_id,
                payment=payment,
                decision=Decision.REVIEW,
                score=score,
                rules_score=score,
                flags=[flag],
                reasons=[text],
                fallback=True,
            )
        elif flag not in assessment.flags:
            assessment.flags = [*assessment.flags, flag]
            assessment.reasons = [text, *assessment.reasons]
            assessment.save(update_fields=["flags", "reasons", "updated_at"])
        case = case_open(assessment=assessment)
        ReviewCase.objects.filter(pk=case.pk, priority__lt=score).update(priority=score)
        case.refresh_from_db(fields=["priority"])
    return case
