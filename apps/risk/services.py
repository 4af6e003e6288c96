"""Writes of risk scores: recompute a shop's scores from its signals, atomically per shop."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from apps.merchants.models import Merchant
from apps.risk.models import RiskScore, Subject
from apps.risk.sources import signals_for_merchant, weights
from ml.risk.score import combine


@dataclass(frozen=True)
class RefreshSummary:
    merchants: int
    customers: int
    sellers: int
    high: int


def risk_scores_refresh(*, merchant_ids: Iterable[int] | None = None) -> RefreshSummary:
    """Replace each shop's scores with ones computed from its current signals.

    Each shop is replaced in one transaction, so a page never shows half a refresh, and running
    it twice gives the same rows: a subject whose signals have gone loses its score.
    """
    merchants = Merchant.objects.order_by("pk")
    if merchant_ids is not None:
        merchants = merchants.filter(pk__in=list(merchant_ids))
    now = timezone.now()
    totals = {"merchants": 0, "customers": 0, "sellers": 0, "high": 0}
    for merchant_id in merchants.values_list("pk", flat=True):
        scores = combine(signals_for_merchant(merchant_id), weights())
        rows = [
            RiskScore(
                merchant_id=merchant_id,
                subject=score.subject,
                customer_id=score.subject_id if score.subject == Subject.CUSTOMER else None,
                score=score.score,
                band=score.band,
                components=[_component_json(c) for c in score.components],
                computed_at=now,
            )
            for score in scores
        ]
        with transaction.atomic():
            RiskScore.objects.filter(merchant_id=merchant_id).delete()
            RiskScore.objects.bulk_create(rows, batch_size=1000)
        totals["merchants"] += 1
        totals["customers"] += sum(r.subject == Subject.CUSTOMER for r in rows)
        totals["sellers"] += sum(r.subject == Subject.SELLER for r in rows)
        totals["high"] += sum(r.band == "high" for r in rows)
    return RefreshSummary(**totals)


def _component_json(component) -> dict:
    data = asdict(component)
    data["observed_at"] = component.observed_at.isoformat()
    return data
