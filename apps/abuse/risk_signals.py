"""Scalping and ring findings as risk signals, for the per-customer and per-seller risk score.

Scalping speaks about the customers who bought (source "scalping"). A ring speaks about its buyers
and about its seller, who benefits from the fake orders (source "rings", subject "seller" with the
Merchant pk). Each subject gets its strongest finding, with how many there are in the reason.
Only recent scalping flags and active rings count: an old finding is not current evidence.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from apps.abuse.models import Ring, RingMember, ScalpingFlag
from ml.risk.signals import RiskSignal

SCALPING_WINDOW = timedelta(days=90)


def risk_signals(*, customer_ids: Iterable[int] | None = None, merchant_ids: Iterable[int] | None = None) -> list[RiskSignal]:
    """Signals about `customer_ids` (None: every customer) from findings at `merchant_ids` (None:
    every merchant), plus seller signals about those merchants unless only customers were asked for."""
    customers = None if customer_ids is None else set(customer_ids)
    merchants = None if merchant_ids is None else list(merchant_ids)
    signals = _scalping_signals(customers, merchants) + _ring_buyer_signals(customers, merchants)
    if customers is None or merchants is not None:
        signals += _ring_seller_signals(merchants)
    return signals


def _strongest(found: dict[int, list[tuple[float, str, object]]], source: str, subject: str, noun: str) -> list[RiskSignal]:
    signals = []
    for subject_id, rows in found.items():
        score, reason, at = max(rows, key=lambda row: row[0])
        more = f" ({len(rows)} {noun}s in all)" if len(rows) > 1 else ""
        signals.append(RiskSignal(source, subject, subject_id, score, reason + more, at))
    return signals


def _scalping_signals(customers: set[int] | None, merchants: list[int] | None) -> list[RiskSignal]:
    flags = ScalpingFlag.objects.filter(detected_at__gte=timezone.now() - SCALPING_WINDOW).select_related("product")
    if merchants is not None:
        flags = flags.filter(merchant_id__in=merchants)
    through = ScalpingFlag.customers.through.objects.filter(scalpingflag__in=flags)
    if customers is not None:
        through = through.filter(customer_id__in=customers)
    by_flag = {flag.pk: flag for flag in flags.filter(pk__in=through.values("scalpingflag_id"))}
    found: dict[int, list] = {}
    for flag_id, customer_id in through.values_list("scalpingflag_id", "customer_id"):
        flag = by_flag[flag_id]
        units = flag.account_units.get(str(customer_id), 0)
        reason = (
            f"bought {units} of {flag.units} units of limited \"{flag.product.title}\" with "
            f"{flag.accounts - 1} linked account{'s' if flag.accounts != 2 else ''}: {flag.reasons[0] if flag.reasons else ''}"
        )
        found.setdefault(customer_id, []).append((flag.score, reason, flag.detected_at))
    return _strongest(found, "scalping", "customer", "scalping flag")


def _ring_buyer_signals(customers: set[int] | None, merchants: list[int] | None) -> list[RiskSignal]:
    members = RingMember.objects.filter(ring__active=True, kind=RingMember.Kind.BUYER, customer__isnull=False)
    if merchants is not None:
        members = members.filter(ring__merchant_id__in=merchants)
    if customers is not None:
        members = members.filter(customer_id__in=customers)
    found: dict[int, list] = {}
    for customer_id, score, buyers, features, seen in members.values_list(
        "customer_id", "ring__score", "ring__buyers", "ring__features", "ring__last_seen_at"
    ):
        reason = (
            f"one of {buyers} linked buyers placing {int(features.get('orders', 0))} orders with "
            f"{int(features.get('five_star_reviews', 0))} five-star reviews at one seller (ring score {score:.2f})"
        )
        found.setdefault(customer_id, []).append((score, reason, seen))
    return _strongest(found, "rings", "customer", "ring")


def _ring_seller_signals(merchants: list[int] | None) -> list[RiskSignal]:
    rings = Ring.objects.filter(active=True)
    if merchants is not None:
        rings = rings.filter(merchant_id__in=merchants)
    found: dict[int, list] = {}
    for ring in rings:
        reason = (
            f"a ring of {ring.buyers} linked buyers gives this seller {ring.features.get('order_share', 0):.0%} of its "
            f"orders and {ring.features.get('five_star_share', 0):.0%} of its five-star reviews"
        )
        found.setdefault(ring.merchant_id, []).append((ring.score, reason, ring.last_seen_at))
    return _strongest(found, "rings", "seller", "ring")
