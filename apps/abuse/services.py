"""Writes: run the detectors over stored data and keep their findings.

Both detections are idempotent: flags and rings are keyed by what they are (product and first
order of the window; seller and buyers), so re-running updates rows instead of adding copies,
and raising a scalping flag on a payment that already carries it changes nothing in the queue.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from apps.abuse import conf
from apps.abuse.models import Ring, RingMember, ScalpingFlag, Source
from apps.abuse.selectors import ring_frames, scalping_frames
from apps.catalog.models import Product
from apps.customers.models import Customer
from apps.fraud.external_flags import external_flag_raise
from apps.merchants.models import Merchant
from apps.mlops.selectors import production_model
from apps.orders.models import Payment
from ml.risk.rings import detect_rings
from ml.risk.scalping import FEATURES, ScalpingClassifier, rule_reasons, rule_score, scalping_candidates

SCALPING_MODEL = "scalping"
SCALPING_FLAG = "scalping"


@dataclass(frozen=True)
class ScalpingSummary:
    candidates: int
    flagged: int
    payments: int
    """payments of flagged windows put in the review queue (already there on a re-run)"""
    source: str
    model_version: int | None


@dataclass(frozen=True)
class RingSummary:
    rings: int
    new: int
    retired: int


def scalping_score(candidates: pd.DataFrame) -> tuple[np.ndarray, str, object]:
    """(scores, source, model version): the production classifier's probabilities, or the rules'
    scores when there is no usable model."""
    loaded = production_model(name=SCALPING_MODEL)
    if loaded is not None and isinstance(loaded[1], ScalpingClassifier) and not candidates.empty:
        version, model = loaded
        return model.predict_proba(candidates), Source.MODEL, version
    rules = conf.scalping_rules()
    return np.array([rule_score(row, rules) for row in candidates.to_dict("records")]), Source.RULES, None


def scalping_detect(*, until: datetime | None = None, since: datetime | None = None) -> ScalpingSummary:
    """Flag linked accounts that scalped limited products in [since, until) and put each of their
    payments in the fraud review queue with the "scalping" flag."""
    until = until or timezone.now()
    since = since or until - timedelta(days=conf.scalping_lookback_days())
    rules = conf.scalping_rules()
    frames = scalping_frames(
        since=since - timedelta(hours=rules.window_hours),
        until=until,
        identity_since=until - timedelta(days=conf.identity_days()),
        low_stock=conf.low_stock(),
    )
    candidates = scalping_candidates(frames.purchases, frames.identities, frames.products, rules=rules)
    scores, source, version = scalping_score(candidates)
    threshold = conf.scalping_model_threshold() if source == Source.MODEL else 1e-9
    flagged = candidates[scores >= threshold].assign(score=scores[scores >= threshold]) if len(candidates) else candidates
    merchants = _product_merchants(flagged["product_id"].unique().tolist()) if len(flagged) else {}
    queued = 0
    now = timezone.now()
    for row in flagged.to_dict("records"):
        reasons = rule_reasons(row, rules)
        if source == Source.MODEL:
            reasons = [f"classifier probability {row['score']:.2f} (model v{version.version})", *reasons]
        _flag_save(row=row, merchant_id=merchants[row["product_id"]], reasons=reasons, source=source, version=version, now=now)
        for payment in Payment.objects.filter(pk__in=row["payment_ids"]):
            external_flag_raise(payment=payment, flag=SCALPING_FLAG, reason=f"Scalping: {reasons[0]}", score=float(row["score"]))
            queued += 1
    return ScalpingSummary(
        candidates=len(candidates),
        flagged=len(flagged),
        payments=queued,
        source=str(source),
        model_version=version.version if version else None,
    )


def _product_merchants(product_ids: list[int]) -> dict[int, int]:
    return dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "merchant_id"))


def _flag_save(*, row: dict, merchant_id: int, reasons: list[str], source: str, version, now: datetime) -> ScalpingFlag:
    with transaction.atomic():
        flag, _ = ScalpingFlag.objects.update_or_create(
            merchant_id=merchant_id,
            key=f"{row['product_id']}:{row['order_ids'][0]}",
            defaults={
                "product_id": row["product_id"],
                "accounts": row["accounts"],
                "units": row["units"],
                "window_start": row["first_at"],
                "window_end": row["last_at"],
                "score": float(row["score"]),
                "source": source,
                "model_version": version,
                "reasons": reasons,
                "features": {name: float(row[name]) for name in FEATURES},
                "account_units": row["account_units"],
                "detected_at": now,
            },
        )
        flag.customers.set(row["customer_ids"])
        flag.payments.set(row["payment_ids"])
    return flag


def ring_key(seller_id: int, buyer_ids: list[int]) -> str:
    return hashlib.sha1(f"{seller_id}:{','.join(map(str, sorted(buyer_ids)))}".encode()).hexdigest()


def rings_detect(*, now: datetime | None = None) -> RingSummary:
    """Detect rings over the last RING_WINDOW_DAYS; rings no longer found become inactive."""
    now = now or timezone.now()
    frames = ring_frames(since=now - timedelta(days=conf.ring_window_days()))
    findings = detect_rings(frames.orders, frames.identities, frames.reviews, params=conf.ring_params())
    buyers = {b for finding in findings for b in finding.buyer_ids}
    external = dict(Customer.objects.filter(pk__in=buyers).values_list("pk", "external_id"))
    names = dict(Merchant.objects.filter(pk__in={f.seller_id for f in findings}).values_list("pk", "name"))
    seen, new = [], 0
    with transaction.atomic():
        for finding in findings:
            nodes = [_labelled(node, external, names) for node in finding.nodes]
            ring, created = Ring.objects.update_or_create(
                merchant_id=finding.seller_id,
                key=ring_key(finding.seller_id, finding.buyer_ids),
                defaults={
                    "score": finding.score,
                    "reasons": finding.reasons,
                    "features": finding.features,
                    "nodes": nodes,
                    "edges": finding.edges,
                    "buyers": len(finding.buyer_ids),
                    "active": True,
                    "last_seen_at": now,
                },
                create_defaults={
                    "score": finding.score,
                    "reasons": finding.reasons,
                    "features": finding.features,
                    "nodes": nodes,
                    "edges": finding.edges,
                    "buyers": len(finding.buyer_ids),
                    "active": True,
                    "first_seen_at": now,
                    "last_seen_at": now,
                },
            )
            new += created
            seen.append(ring.pk)
            ring.members.all().delete()
            RingMember.objects.bulk_create(
                [
                    RingMember(
                        ring=ring,
                        kind=node["kind"],
                        value=node["id"].split(":", 1)[1][:255],
                        customer_id=int(node["id"].split(":", 1)[1]) if node["kind"] == "buyer" else None,
                    )
                    for node in finding.nodes
                    if node["kind"] != "seller"
                ]
            )
        retired = Ring.objects.filter(active=True).exclude(pk__in=seen).update(active=False)
    return RingSummary(rings=len(findings), new=new, retired=retired)


def _labelled(node: dict, external: dict[int, str], names: dict[int, str]) -> dict:
    """The node with a label people read: customers' external ids, the seller's name."""
    value = node["id"].split(":", 1)[1]
    if node["kind"] == "buyer":
        return {**node, "label": external.get(int(value), value)}
    if node["kind"] == "seller":
        return {**node, "label": names.get(int(value), value)}
    return node
