"""The `segments` trainer of the mlops pipeline: segments every scope a run covers.

One run covers every merchant with orders plus the platform-wide scope (nightly, `manage.py
train segments`, or a platform admin's request), or only the requesting merchant staff's own
merchants. mlops allows one `segments` run at a time, so per-merchant requests queue behind it
rather than racing it.

The registered model is what dynamic assignment needs per scope (feature order, scaling,
centroids); it is promoted when the run covered every scope (or with --promote), so production
is always a complete segmentation. Segmentation is descriptive: there is no held-out score a
new run must beat, the latest complete one is the current one.
"""

from __future__ import annotations

from django.utils import timezone

from apps.core.tenancy import merchant_ids_for_user
from apps.merchants.models import Merchant
from apps.mlops.gates import Condition, gate_decide
from apps.mlops.models import TrainingRun
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.selectors import ACTIVE_RUN_STATUSES
from apps.mlops.services import ModelCard, json_safe, model_register
from apps.mlops.validation import window_validate
from apps.segments.models import SegmentationRun
from apps.segments.segmentation import ScopeSegmentation, ScopeTooSmall, segment_scope
from apps.segments.selectors import merchants_with_orders
from apps.segments.services import segmentation_save
from ml.validation import DataSpec

MODEL_NAME = "segments"
PLATFORM = "platform"
FEATURES = DataSpec(
    what="buyers",
    required=("recency_days", "frequency", "monetary"),
    ranges={"recency_days": (0.0, None), "frequency": (1.0, None), "monetary": (0.0, None)},
)
"""The data-validation step per scope: every buyer's recency, frequency and spend present, finite and non-negative."""


def scopes_for(actor) -> list[int | None]:
    """Merchant ids (None: platform-wide) a run requested by `actor` segments."""
    merchants = merchants_with_orders()
    if not merchants:
        return []
    allowed = merchant_ids_for_user(actor) if actor is not None else None
    if allowed is None:
        return [*merchants, None]
    return [merchant_id for merchant_id in merchants if merchant_id in set(allowed)]


def _scope_key(merchant_id: int | None) -> str:
    return PLATFORM if merchant_id is None else str(merchant_id)


def segments_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    scopes = scopes_for(options.actor)
    if not scopes:
        raise TrainingRefused(
            "not enough data: no merchant has orders yet (import orders with `manage.py import_data orders FILE.csv`)"
        )
    names = dict(Merchant.objects.filter(pk__in=[s for s in scopes if s is not None]).values_list("pk", "name"))
    now = timezone.now()
    results: list[ScopeSegmentation] = []
    refused: dict[int | None, str] = {}
    for done, merchant_id in enumerate(scopes):
        label = names.get(merchant_id, "platform-wide")
        report(0.05 + 0.8 * done / len(scopes), f"segmenting {label}")
        try:
            result = segment_scope(merchant_id=merchant_id, now=now)
            window_validate(result.features, FEATURES)
            results.append(result)
        except (ScopeTooSmall, TrainingRefused) as exc:
            refused[merchant_id] = str(exc)
    if not results:
        reasons = "; ".join(f"{names.get(m, 'platform-wide')}: {reason}" for m, reason in refused.items())
        raise TrainingRefused(f"not enough data to segment any scope ({reasons})")
    report(0.88, "registering the assignment model")
    version = model_register(
        name=MODEL_NAME, obj=_assignment_model(results), card=_card(results, refused), trained_by=options.actor
    )
    training_run = TrainingRun.objects.filter(name=MODEL_NAME, status__in=ACTIVE_RUN_STATUSES).order_by("-created_at").first()
    report(0.92, f"storing {len(results)} segmentations")
    for result in results:
        segmentation_save(result=result, training_run=training_run, model_version=version)
    for merchant_id, reason in refused.items():
        SegmentationRun.objects.create(
            merchant_id=merchant_id,
            status=SegmentationRun.Status.FAILED,
            method="",
            message=reason[:255],
            training_run=training_run,
            data_end=now,
        )
    complete = Condition(
        "covers every scope",
        None in scopes and not refused,
        "complete segmentation of every scope" if None in scopes and not refused
        else "this run did not segment every scope (its segmentations are current for their merchants)",
    )
    gate = gate_decide(version=version, conditions=[complete], force=options.promote, actor=options.actor)
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=gate.reason,
                           summary=_summary(results, refused, names))


def _assignment_model(results: list[ScopeSegmentation]) -> dict:
    """Per scope: what nearest-centroid assignment needs (plain lists, no fitted estimators)."""
    return {
        _scope_key(result.merchant_id): {
            "features": result.clustering.feature_names,
            "scaler_mean": result.clustering.scaler_mean.tolist(),
            "scaler_scale": result.clustering.scaler_scale.tolist(),
            "centroids": result.clustering.centroids.tolist(),
            "names": [item["name"] for item in result.insights],
        }
        for result in results
    }


def _card(results: list[ScopeSegmentation], refused: dict[int | None, str]) -> ModelCard:
    return ModelCard(
        metrics=json_safe(
            {_scope_key(r.merchant_id): {**r.clustering.metrics(), "clv_available": r.clv["available"]} for r in results}
        ),
        parameters=json_safe(
            {
                "method": results[0].clustering.params["method"],
                "scopes": {_scope_key(r.merchant_id): {"k": r.clustering.k, "clv": r.clv} for r in results},
                "refused": {_scope_key(m): reason for m, reason in refused.items()},
            }
        ),
        features=sorted({name for r in results for name in r.clustering.feature_names}),
        data_start=None,
        data_end=results[0].now,
        row_counts={_scope_key(r.merchant_id): len(r.features) for r in results},
    )


def _summary(results: list[ScopeSegmentation], refused: dict[int | None, str], names: dict[int, str]) -> list[tuple[str, str]]:
    rows = []
    for result in results:
        metrics = result.clustering.metrics()
        clv = "CLV fitted" if result.clv["available"] else result.clv["reason"]
        rows.append(
            (
                names.get(result.merchant_id, "platform-wide"),
                f"{len(result.features):,} buyers, k={metrics['chosen_k']} (silhouette {metrics['silhouette']:.3f}), "
                f"noise {metrics['noise_share']:.0%}; {clv}",
            )
        )
    rows += [(names.get(m, "platform-wide"), f"not segmented: {reason}") for m, reason in refused.items()]
    return rows
