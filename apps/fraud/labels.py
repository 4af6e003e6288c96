"""Recording fraud labels on payments: the ground truth the next training run learns from.

Labels arrive from three sources, and a later label may not always overwrite an earlier one:
a chargeback is the card network's verdict weeks after the fact, so it outranks an analyst's
judgement at review time, which in turn outranks a label that came with an imported file.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from apps.orders.models import Payment

IMPORT = "import"
ANALYST = "analyst"
CHARGEBACK = "chargeback"
PRECEDENCE: dict[str, int] = {"": 0, IMPORT: 1, ANALYST: 2, CHARGEBACK: 3}
"""Higher wins; "" is a payment no source has labelled yet."""


def payments_label(*, payment_ids: Iterable[int], is_fraud: bool, source: str) -> int:
    """Label the payments as fraud or genuine, unless a higher-ranked source already labelled them.

    Returns how many payments changed; labelling again with the same label and source changes
    nothing, so callers may repeat it (a re-imported chargebacks file, a replayed decision).
    """
    if source not in PRECEDENCE or not source:
        raise ValueError(f"unknown label source {source!r}; expected one of {', '.join(s for s in PRECEDENCE if s)}")
    ranked_no_higher = [name for name, rank in PRECEDENCE.items() if rank <= PRECEDENCE[source]]
    return (
        Payment.objects.filter(pk__in=list(payment_ids), label_source__in=ranked_no_higher)
        .exclude(is_fraud=is_fraud, label_source=source)
        .update(is_fraud=is_fraud, label_source=source, updated_at=timezone.now())
    )
