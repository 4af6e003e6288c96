"""Reads of risk scores, always inside the viewer's tenancy scope.

Seller rows are evidence against a shop, so only platform staff read them; merchant staff see
the scores of their own shop's customers.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.core.tenancy import scope_for_user, sees_all_merchants
from apps.risk.models import Band, RiskScore, Subject

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.customers.models import Customer
    from apps.merchants.models import Merchant


def risk_score_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[RiskScore]:
    """Scores the user may read, riskiest first; filters: subject, band, merchant (slug)."""
    filters = filters or {}
    rows = scope_for_user(RiskScore.objects.select_related("merchant", "customer"), user)
    if not sees_all_merchants(user):
        rows = rows.filter(subject=Subject.CUSTOMER)
    if filters.get("subject") in Subject.values:
        rows = rows.filter(subject=filters["subject"])
    if filters.get("band") in Band.values:
        rows = rows.filter(band=filters["band"])
    if filters.get("merchant"):
        rows = rows.filter(merchant__slug=filters["merchant"])
    return rows.order_by("-score", "id")


def customer_risk(*, user: User, customer: Customer) -> list[RiskScore]:
    """The customer's score in each shop the user may read (one row per shop)."""
    return list(risk_score_list(user=user).filter(subject=Subject.CUSTOMER, customer=customer))


def seller_risk(*, user: User, merchant: Merchant) -> RiskScore | None:
    """The shop's score as a seller, for platform staff; None when it has no signal (or the user may not see it)."""
    return risk_score_list(user=user).filter(subject=Subject.SELLER, merchant=merchant).first()


def band_counts(rows: QuerySet[RiskScore]) -> dict[str, dict[str, int]]:
    """{subject: {band: count}} over `rows`, every band present, for the page's chart."""
    counts = {subject: {band: 0 for band in Band.values} for subject in Subject.values}
    for subject, band in rows.values_list("subject", "band"):
        counts[subject][band] += 1
    return counts
