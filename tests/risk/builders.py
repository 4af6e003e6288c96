"""Risk signals for tests: a fake detector registered beside the real fraud source."""
from __future__ import annotations

from django.utils import timezone

from ml.risk.signals import RiskSignal

PLANTED: list[RiskSignal] = []


def planted_signals(*, customer_ids=None, merchant_ids=None) -> list[RiskSignal]:
    """The planted signals, as a detector would answer for one shop: `merchant_ids` is [shop]."""
    del customer_ids, merchant_ids  # a fake: the test plants exactly what this shop should see
    return list(PLANTED)


def plant(source: str, subject: str, subject_id: int, score: float, reason: str = "planted") -> RiskSignal:
    signal = RiskSignal(source, subject, subject_id, score, reason, timezone.now())
    PLANTED.append(signal)
    return signal
