"""Scoring payments: features, lists, rules and the production model combined into a decision.

Decision (docs/fraud.md, "Decision"):

* final score = max(model score, rules score); rules alone when the model is not used;
* the score against the merchant's thresholds gives approve / review / decline;
* a fired rule's action is a floor: "decline" declines, "review" sends an approval to review;
* an allow-list hit approves, unless a block-list hit, which always declines.

The model runs once per batch inside FRAUD_MODEL_BUDGET_MS (per 100 payments); no model, a
model error or a late answer falls back to rules only with the FALLBACK flag. Payments,
assessments and review cases are written in one transaction; a replayed transaction id
returns the stored assessment and touches no velocity state.
"""
from __future__ import annotations

import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.customers.models import MerchantCustomer
from apps.fraud.cases import cases_open_new
from apps.fraud.copy_insert import rows_insert
from apps.fraud.features_service import live_features, velocity_record
from apps.fraud.ip_country import ip_info
from apps.fraud.known_customers import (
    customers_link,
    customers_linked,
    customers_resolve,
    customers_unlinked,
    known_customers_forget,
)
from apps.fraud.lists_service import Kind, ListHit, ListType, list_value_normalise
from apps.fraud.metrics import scoring_observe
from apps.fraud.models import Assessment, Decision
from apps.fraud.payment_insert import payment_insert
from apps.fraud.scoring_config import PRODUCTION_MODEL_NAME as PRODUCTION_MODEL_NAME  # the registry name, for training
from apps.fraud.scoring_config import RiskRow, ScoringConfig, risk_rows, scoring_config
from apps.fraud.selectors import epoch_seconds
from apps.fraud.velocity_store import RecordedPayment
from apps.fraud.webhooks import webhooks_enqueue
from apps.merchants.models import Merchant
from apps.mlops.canary import model_for
from apps.mlops.models import ModelVersion
from apps.orders.models import Payment
from ml.fraud.explain import Reason, describe
from ml.fraud.features import FEATURE_NAMES
from ml.fraud.model import FraudModel
from ml.fraud.rules import ACTION_STRENGTH, RuleAction, RuleHit, combine_rule_hits, evaluate_rules
from ml.fraud.serving import ServedFraudModel
from ml.fraud.threads import single_thread
from ml.fraud.velocity import PaymentEvent

logger = logging.getLogger(__name__)

DEFAULT_REVIEW_THRESHOLD = 0.5
DEFAULT_DECLINE_THRESHOLD = 0.9
BUDGET_ROWS = 100
"""A batch gets FRAUD_MODEL_BUDGET_MS once per this many payments."""
EXPLAINED_REASONS = 3
MIN_CONTRIBUTION = 1e-3
"""As `ml.fraud.explain.explain_row`: smaller pushes are noise, not reasons."""

FALLBACK = "FALLBACK"
FEATURES_FROM_DB = "FEATURES_FROM_DB"


class Thresholds(NamedTuple):
    review: float
    decline: float | None
    """None: the model found no score precise enough to decline on, so only rules and lists decline."""

    def decision(self, score: float) -> str:
        if self.decline is not None and score >= self.decline:
            return Decision.DECLINE
        return Decision.REVIEW if score >= self.review else Decision.APPROVE


def _thresholds(merchant_id: int | None, model: FraudModel | None, rows: dict[int | None, RiskRow]) -> Thresholds:
    chain = [rows.get(merchant_id), rows.get(None)] if merchant_id else [rows.get(None)]
    review = next((row.review_threshold for row in chain if row and row.review_threshold is not None), None)
    decline = next((row.decline_threshold for row in chain if row and row.decline_threshold is not None), None)
    chosen = model.thresholds if model is not None else None
    if review is None:
        review = chosen.review if chosen is not None else DEFAULT_REVIEW_THRESHOLD
    if decline is None:
        decline = chosen.decline if chosen is not None else DEFAULT_DECLINE_THRESHOLD
    return Thresholds(review=review, decline=decline)


def thresholds_for(*, merchant_id: int | None, model: FraudModel | None) -> Thresholds:
    """Review and decline cut-offs for a merchant, each taken from the first source that sets it.

    Order: the merchant's RiskSettings row, the platform row (merchant empty), the production
    model's validated thresholds, then the defaults. Each cut-off is resolved on its own, so a
    merchant can tighten review while keeping the model's decline.
    """
    return _thresholds(merchant_id, model, risk_rows(merchant_ids={merchant_id} if merchant_id else set()))


# --- the model -----------------------------------------------------------------------------------

_model_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fraud-model")


def served_model(config: ScoringConfig | None = None) -> tuple[ModelVersion, ServedFraudModel] | None:
    """The production fraud model wrapped for serving (from the process's scoring configuration)."""
    return (config or scoring_config()).model


@dataclass(frozen=True)
class ModelAnswer:
    scores: np.ndarray
    reasons: dict[int, list]


def _model_answer(served: ServedFraudModel, X: np.ndarray, explain_from: np.ndarray) -> ModelAnswer:
    """Scores for all rows in one call; explanations only for rows at or above their review threshold."""
    scores = served.score_batch(X)
    explained = np.flatnonzero(scores >= explain_from)
    reasons = explain_rows(served.model, X[explained])
    return ModelAnswer(scores=scores, reasons=dict(zip(explained.tolist(), reasons, strict=True)))


def explain_rows(model: FraudModel, X: np.ndarray) -> list[list[Reason]]:
    """`ml.fraud.explain.explain_row` for many rows with one pass through the trees.

    Each row's probes (itself, then each feature set to its training median) are stacked so a
    batch of reviews costs one `raw_probability` call, not one per row; the contributions and
    their ranking are explain_row's.
    """
    if not len(X):
        return []
    n = X.shape[1]
    probes = np.repeat(X, n + 1, axis=0).reshape(len(X), n + 1, n)
    probes[:, np.arange(1, n + 1), np.arange(n)] = model.baseline
    with single_thread():
        raw = model.raw_probability(probes.reshape(-1, n)).reshape(len(X), n + 1)
    explained = []
    for row, probabilities in zip(X, raw, strict=True):
        contributions = probabilities[0] - probabilities[1:]
        reasons = []
        for index in np.argsort(-contributions, kind="stable")[:EXPLAINED_REASONS]:
            if contributions[index] < MIN_CONTRIBUTION:
                break
            name, value, usual = model.feature_names[index], float(row[index]), float(model.typical[index])
            reasons.append(Reason(name, value, usual, float(contributions[index]), describe(name, value, usual)))
        explained.append(reasons)
    return explained


def _model_within_budget(served: ServedFraudModel, X: np.ndarray, explain_from: np.ndarray) -> ModelAnswer | None:
    budget = settings.FRAUD_MODEL_BUDGET_MS / 1000 * max(1, math.ceil(len(X) / BUDGET_ROWS))
    future = _model_pool.submit(_model_answer, served, X, explain_from)
    try:
        return future.result(timeout=budget)
    except FutureTimeout:
        logger.warning("fraud model exceeded its %.0f ms budget for %d payments", budget * 1000, len(X))
    except Exception:  # any model failure degrades to rules: a payment must still get an answer
        logger.exception("fraud model failed; scoring by rules only")
    return None


# --- requests and answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRequest:
    """One payment to score, validated; `merchant` is already resolved for the caller."""

    transaction_id: str
    customer_id: str
    merchant: Merchant
    amount: Decimal
    currency: str
    card_id: str
    timestamp: datetime
    device_id: str = ""
    ip_address: str | None = None
    merchant_category: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    email: str = ""


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _rule_reason(hit: RuleHit, description: str, variables: frozenset[str], context: dict) -> dict:
    values = {name: context.get(name) for name in sorted(variables)}
    first = next(iter(values), None)
    shown = ", ".join(f"{name}={_shown(value)}" for name, value in values.items())
    return {
        "text": f"{description or hit.name} ({shown})" if shown else description or hit.name,
        "source": "rule",
        "rule": hit.name,
        "feature": first,
        "value": values.get(first),
        "values": values,
    }


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "none" if value is None else str(value)


def _model_reason(reason: Reason) -> dict:
    value = _json_number(reason.value)
    return {"text": reason.text, "source": "model", "feature": reason.feature, "value": value, "values": {reason.feature: value}}


def _list_reason(hit: ListHit) -> dict:
    verb = "block" if hit.list_type == ListType.BLOCK else "allow"
    text = f"{hit.kind} {hit.value} is on the {verb} list" + (f": {hit.reason}" if hit.reason else "")
    return {"text": text, "source": "list", "feature": hit.kind, "value": hit.value, "values": {hit.kind: hit.value}}


class _Scored(NamedTuple):
    decision: str
    score: float
    ml_score: float | None
    rules_score: float
    flags: list[str]
    reasons: list[dict]
    features: dict


def _decide(
    *,
    context: dict,
    thresholds: Thresholds,
    rules: dict,
    ml_score: float | None,
    model_reasons: list,
    hits: list[ListHit],
    extra_flags: list[str],
) -> _Scored:
    fired = evaluate_rules((rule for rule, _ in rules.values()), context)
    verdict = combine_rule_hits(fired)
    score = verdict.score if ml_score is None else max(ml_score, verdict.score)
    decision = thresholds.decision(score)
    if verdict.action == RuleAction.DECLINE:
        decision = Decision.DECLINE
    elif verdict.action == RuleAction.REVIEW and decision == Decision.APPROVE:
        decision = Decision.REVIEW
    blocks = [hit for hit in hits if hit.list_type == ListType.BLOCK]
    allows = [hit for hit in hits if hit.list_type == ListType.ALLOW]
    if blocks:
        decision = Decision.DECLINE
    elif allows:
        decision = Decision.APPROVE
    ordered = sorted(fired, key=lambda hit: (-ACTION_STRENGTH[hit.action], -hit.weight))
    reasons = [_list_reason(hit) for hit in blocks + allows]
    reasons += [_rule_reason(hit, rules[hit.name][1], rules[hit.name][0].compiled.variables, context) for hit in ordered]
    reasons += [_model_reason(reason) for reason in model_reasons]
    flags = [hit.flag for hit in blocks + allows] + [hit.name for hit in ordered] + extra_flags
    return _Scored(decision, float(score), ml_score, verdict.score, flags, reasons, context)


# --- the service --------------------------------------------------------------------------------


def _replays(requests: list[PaymentRequest]) -> dict[str, Assessment]:
    """Stored assessments of these transaction ids; a stored id of another merchant or without an assessment is refused."""
    ids = _stored_ids({r.transaction_id for r in requests})
    if not ids:
        return {}
    payments = Payment.objects.filter(transaction_id__in=ids).select_related("assessment__model_version")
    stored, unscored = {}, set()
    for payment in payments:
        assessment = getattr(payment, "assessment", None)
        if assessment is None:
            unscored.add(payment.transaction_id)
        else:
            assessment.payment = payment
            stored[payment.transaction_id] = assessment
    problems = [
        f"{r.transaction_id}: already used by another merchant's payment"
        for r in requests
        if r.transaction_id in stored and stored[r.transaction_id].merchant_id != r.merchant.pk
    ] + [f"{txid}: this payment was imported without a score and cannot be scored now" for txid in sorted(unscored)]
    if problems:
        raise ValidationError({"transaction_id": problems})
    return stored


def _stored_ids(ids: set[str]) -> set[str]:
    """Which of these transaction ids are already stored.

    Almost every call finds none, so this is one indexed lookup in plain SQL: building the ORM
    query with its joins cost more than the rest of the replay check.
    """
    table = connection.ops.quote_name(Payment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT transaction_id FROM {table} WHERE transaction_id IN ({', '.join(['%s'] * len(ids))})", list(ids))
        return {row[0] for row in cursor.fetchall()}


def _refuse_vanished_merchants(requests: list[PaymentRequest]) -> None:
    """A merchant deleted after the call resolved it fails the insert twice: answer 400 naming it, not 500."""
    alive = set(Merchant.objects.filter(pk__in={r.merchant.pk for r in requests}).values_list("pk", flat=True))
    gone = sorted({r.merchant.external_id for r in requests if r.merchant.pk not in alive})
    if gone:
        raise ValidationError({"merchant_id": [f"Unknown merchant {external_id!r}." for external_id in gone]})


def _stored_in_one_statement(requests: list[PaymentRequest]) -> bool:
    return len(requests) == 1 and connection.vendor == "postgresql"


class ScoreResult(NamedTuple):
    assessment: Assessment
    replayed: bool


def payments_score(*, requests: list[PaymentRequest]) -> list[ScoreResult]:
    """Score payments (one or a batch), store them with their assessments, and answer in request order.

    A transaction id already stored, or repeated within the batch, answers with the stored
    assessment (`replayed`) and is not recorded again, so no velocity feature counts it twice.
    """
    started = time.perf_counter()
    for attempt in range(2):
        # A single payment on PostgreSQL is stored by one statement that notices a taken transaction
        # id itself (`apps.fraud.payment_insert`), so the usual new id costs no lookup first.
        stored = {} if attempt == 0 and _stored_in_one_statement(requests) else _replays(requests)
        fresh: dict[str, PaymentRequest] = {}
        for request in requests:
            if request.transaction_id not in stored:
                fresh.setdefault(request.transaction_id, request)
        try:
            created = _score_fresh(list(fresh.values()), started) if fresh else {}
            taken = [request for request in fresh.values() if request.transaction_id not in created]
            stored |= _replays(taken) if taken else {}
            break
        except IntegrityError:
            # A concurrent call stored one of these ids first (its answer becomes a replay), or a
            # remembered customer was deleted meanwhile: forget what this process remembered.
            known_customers_forget()
            if attempt:
                _refuse_vanished_merchants(requests)
                raise
    answers = stored | created
    first = {request.transaction_id: i for i, request in reversed(list(enumerate(requests)))}
    return [
        ScoreResult(answers[r.transaction_id], r.transaction_id in stored or first[r.transaction_id] != i)
        for i, r in enumerate(requests)
    ]


def _score_fresh(requests: list[PaymentRequest], started: float) -> dict[str, Assessment]:
    customers, billing = customers_resolve(external_ids={r.customer_id for r in requests})
    ips = [ip_info(r.ip_address) for r in requests]
    events = [
        PaymentEvent(
            transaction_id=r.transaction_id,
            timestamp=epoch_seconds(r.timestamp),
            customer_id=r.customer_id,
            amount=float(r.amount),
            merchant_id=r.merchant.external_id,
            merchant_category=r.merchant_category,
            card_id=r.card_id,
            device_id=r.device_id,
            ip_address=r.ip_address or "",
            country=r.country or found,
            billing_country=billing.get(r.customer_id, ""),
            latitude=r.latitude,
            longitude=r.longitude,
        )
        for r, found in zip(requests, (ip.country for ip in ips), strict=True)
    ]
    live = live_features(events)
    config = scoring_config()
    model = model_for(PRODUCTION_MODEL_NAME, requests[0].customer_id, production=lambda: served_model(config),
                      adapt=lambda version, canary: (version, ServedFraudModel(canary)))  # canary routing (docs/models.md)
    thresholds = [_thresholds(r.merchant.pk, model[1].model if model else None, config.risk) for r in requests]
    answer = None
    if model is not None:
        answer = _model_within_budget(model[1], live.matrix, np.array([t.review for t in thresholds]))
    hits = config.lists.hits(values=_list_values(requests), now=timezone.now())
    results: list[_Scored] = []
    for i, (request, event) in enumerate(zip(requests, events, strict=True)):
        features = {name: _json_number(float(v)) for name, v in zip(FEATURE_NAMES, live.matrix[i], strict=True)}
        found = [hit for kind, value in _request_values(request) for hit in hits.get((kind, value), [])]
        context = features | {
            "country": event.country,
            "ip_country": ips[i].country,
            "billing_country": event.billing_country,
            "merchant_category": event.merchant_category,
            "is_vpn_ip": ips[i].is_hosting,
            "is_blocklisted_device": any(h.list_type == ListType.BLOCK and h.kind == Kind.DEVICE for h in found),
        }
        settings_row = config.risk.get(request.merchant.pk)
        disabled = settings_row.disabled_rules if settings_row else frozenset()
        rules = {name: rule for name, rule in config.rules.items() if name not in disabled}
        extra = ([] if answer is not None else [FALLBACK]) + ([FEATURES_FROM_DB] if live.from_database[i] else [])
        results.append(
            _decide(
                context=context,
                thresholds=thresholds[i],
                rules=rules,
                ml_score=float(answer.scores[i]) if answer is not None else None,
                model_reasons=answer.reasons.get(i, []) if answer is not None else [],
                hits=found,
                extra_flags=extra,
            )
        )
    latency_ms = (time.perf_counter() - started) * 1000
    version = model[0] if model and answer is not None else None
    assessments = _store(requests, events, customers, results, version, latency_ms, config.listening_merchants)
    if not assessments:  # the one payment's id was taken meanwhile: the caller answers with the stored one
        return {}
    velocity_record([RecordedPayment(pk=a.payment_id, event=e) for a, e in zip(assessments, events, strict=True)])
    scoring_observe(assessments=assessments, seconds=latency_ms / 1000)
    return {a.payment.transaction_id: a for a in assessments}


def _request_values(request: PaymentRequest) -> list[tuple[str, str]]:
    values = [
        (Kind.CARD, request.card_id),
        (Kind.DEVICE, request.device_id),
        (Kind.CUSTOMER, request.customer_id),
        (Kind.EMAIL, list_value_normalise(kind=Kind.EMAIL, value=request.email) if request.email else ""),
        (Kind.IP, request.ip_address or ""),
    ]
    return [(kind, value) for kind, value in values if value]


def _list_values(requests: list[PaymentRequest]) -> list[tuple[str, str]]:
    return [pair for request in requests for pair in _request_values(request)]


def _store(
    requests: list[PaymentRequest],
    events: list[PaymentEvent],
    customers: dict[str, int],
    results: list[_Scored],
    version: ModelVersion | None,
    latency_ms: float,
    listening: frozenset[int],
) -> list[Assessment]:
    """Payments (inserted in time order, so pks follow event time), assessments and cases, in one transaction.

    Rows go in with COPY (`apps.fraud.copy_insert`); a transaction id stored meanwhile by a
    concurrent call raises IntegrityError, which `payments_score` answers as a replay. A single
    payment that opens no case and owes no webhook is one statement (`_store_one`), and one
    whose id was taken is left out of the answer.
    """
    if _stored_in_one_statement(requests) and results[0].decision != Decision.REVIEW and requests[0].merchant.pk not in listening:
        return _store_one(requests[0], events[0], customers, results[0], version, latency_ms)
    order = sorted(range(len(requests)), key=lambda i: (events[i].timestamp, i))
    with transaction.atomic():
        payments = rows_insert(Payment, [_payment(requests[i], events[i], customers) for i in order])
        by_index = dict(zip(order, payments, strict=True))
        customers_link(pairs={(p.merchant_id, p.customer_id) for p in payments})
        assessments = rows_insert(
            Assessment,
            [_assessment(requests[i], by_index[i], results[i], version, latency_ms) for i in range(len(requests))],
        )
        cases_open_new(assessments=[a for a in assessments if a.decision == Decision.REVIEW])
        _announce(assessments, listening)
    return assessments


def _store_one(
    request: PaymentRequest,
    event: PaymentEvent,
    customers: dict[str, int],
    result: _Scored,
    version: ModelVersion | None,
    latency_ms: float,
) -> list[Assessment]:
    payment = _payment(request, event, customers)
    assessment = _assessment(request, payment, result, version, latency_ms)
    pair = (request.merchant.pk, payment.customer_id)
    link = MerchantCustomer(merchant_id=pair[0], customer_id=pair[1]) if customers_unlinked(pairs={pair}) else None
    if not payment_insert(payment, assessment, link):
        return []
    if link is not None:
        customers_linked({pair})
    return [assessment]


def _payment(request: PaymentRequest, event: PaymentEvent, customers: dict[str, int]) -> Payment:
    return Payment(
        transaction_id=request.transaction_id,
        merchant=request.merchant,
        customer_id=customers[request.customer_id],
        amount=request.amount,
        currency=request.currency,
        card_fingerprint=request.card_id,
        device_id=request.device_id,
        ip_address=request.ip_address,
        country=event.country,
        latitude=request.latitude,
        longitude=request.longitude,
        merchant_category=request.merchant_category,
        timestamp=request.timestamp,
    )


def _assessment(
    request: PaymentRequest, payment: Payment, result: _Scored, version: ModelVersion | None, latency_ms: float
) -> Assessment:
    return Assessment(
        merchant=request.merchant,
        payment=payment,
        decision=result.decision,
        score=result.score,
        ml_score=result.ml_score,
        rules_score=result.rules_score,
        flags=result.flags,
        reasons=result.reasons,
        features=result.features,
        model_version=version,
        fallback=FALLBACK in result.flags,
        latency_ms=latency_ms,
    )


def assessment_payload(assessment: Assessment) -> dict:
    """The answer to a scoring call, also the body of the "decision" webhook."""
    version = assessment.model_version
    return {
        "transaction_id": assessment.payment.transaction_id,
        "decision": assessment.decision,
        "score": assessment.score,
        "ml_score": assessment.ml_score,
        "flags": assessment.flags,
        "reasons": assessment.reasons,
        "model_version": f"{version.name}-v{version.version}" if version else None,
        "latency_ms": round(assessment.latency_ms, 3),
    }


def _announce(assessments: list[Assessment], listening: frozenset[int]) -> None:
    """A "decision" webhook per assessment, for merchants that registered an endpoint."""
    for assessment in assessments:
        if assessment.merchant_id in listening:
            webhooks_enqueue(merchant_id=assessment.merchant_id, event="decision", payload=assessment_payload(assessment))
