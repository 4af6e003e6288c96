"""Training the fair price model from the catalog and its demand (`manage.py train fair_price`).

Every active priced listing is a training row: what it is (category path, tags, attributes, title)
and its demand over the last DEMAND_WINDOW_DAYS. FOLDS-fold cross-validation holds every listing out
once to measure the model against what a merchant would guess without it, the median price of the
category (one 20% holdout of a few hundred listings moved that comparison by +-7% from split to
split); the pooled figures on the model card (MAE, MAPE, coverage of the range) are the ones the
product page shows next to a suggestion. The registered model is then refit on every listing.

Promotion gate ("fair_price" in apps.mlops.gates.GATES): the median's
held-out MAPE must be within 5% of the category median's and the range must hold at least 70% of
held-out prices. Nothing is compared with production: it was fitted on today's listings, so re-scoring it on
them would be leaked. A promoted model's suggestions are written for every listing.
"""
from __future__ import annotations

from django.utils import timezone

from apps.mlops.gates import gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.services import ModelCard, json_safe, model_register
from apps.mlops.validation import window_validate
from apps.pricing.selectors import DEMAND_WINDOW_DAYS, priced_products, product_frame
from apps.pricing.services import MODEL_NAME, Predictor, suggestions_refresh
from ml.risk.fair_price import HASHED_TOKENS, NUMERIC_FEATURES, FairPriceModel, evaluate_cross_validated
from ml.validation import DataSpec

MIN_PRODUCTS = 50
"""Fewer listings leave folds of under 10, and too little to measure a MAPE or a coverage on."""
MIN_CATEGORIES = 2
FOLDS = 5
COVERAGE = 0.8
SEED = 0

WINDOW = DataSpec(
    what="priced listings",
    required=("product_id", "price", "views", "carts", "units"),
    ranges={"price": (0.01, None), "views": (0.0, None), "carts": (0.0, None), "units": (0.0, None)},
)


def fair_price_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    now = options.until or timezone.now()
    report(0.02, f"loading listings and their demand over {DEMAND_WINDOW_DAYS} days")
    frame = product_frame(priced_products(), now=now)
    categories = frame["category"].replace("", None).dropna().nunique()
    if len(frame) < MIN_PRODUCTS or categories < MIN_CATEGORIES:
        raise TrainingRefused(
            f"not enough data: {len(frame):,} active priced listings in {categories} categories, at least "
            f"{MIN_PRODUCTS} in {MIN_CATEGORIES} categories are needed (import products or run `manage.py seed_demo`)"
        )
    window_validate(frame, WINDOW)
    report(0.1, f"{FOLDS}-fold cross-validation over {len(frame):,} listings")
    evaluation = evaluate_cross_validated(frame, folds=FOLDS, seed=SEED, coverage=COVERAGE)
    report(0.7, f"fitting on all {len(frame):,} listings")
    model = FairPriceModel(coverage=COVERAGE, seed=SEED).fit(frame)
    metrics = evaluation.as_dict() | {
        "coverage_target": COVERAGE,
        "skill": round(1 - evaluation.mape / evaluation.baseline_mape, 4) if evaluation.baseline_mape else None,
    }
    card = ModelCard(
        metrics=json_safe(metrics),
        parameters={
            "target": "log price",
            "quantiles": sorted(model.models),
            "conformal_correction": round(model.correction, 4),
            "coverage": COVERAGE,
            "evaluation": f"{FOLDS}-fold cross-validation, pooled",
            "demand_window_days": DEMAND_WINDOW_DAYS,
            "hashed_tokens": HASHED_TOKENS,
            "max_iter": model.max_iter,
            "seed": SEED,
        },
        features=["category path (target-encoded levels)", *NUMERIC_FEATURES, "hashed tokens: category, tags, attributes, title"],
        data_start=None,
        data_end=now,
        row_counts={"listings": len(frame), "categories": int(categories), "held_out": evaluation.test_rows},
    )
    report(0.8, "registering the model")
    version = model_register(name=MODEL_NAME, obj=model, card=card, trained_by=options.actor)
    gate = gate_decide(version=version, force=options.promote, actor=options.actor)
    if gate.promoted:
        report(0.85, "writing suggestions for every listing")
        written = suggestions_refresh(predictor=Predictor(model=model, version=version), now=now)
    else:
        written = 0
    report(0.98, f"{version}: {gate.reason}")
    summary = [
        ("listings", f"{len(frame):,} in {categories} categories"),
        (f"{FOLDS}-fold MAE / MAPE", f"{evaluation.mae:.2f} / {evaluation.mape:.1%}"),
        ("category median MAE / MAPE", f"{evaluation.baseline_mae:.2f} / {evaluation.baseline_mape:.1%}"),
        ("range coverage (target 80%)", f"{evaluation.coverage:.1%}, mean width {evaluation.mean_width:.0%} of the median"),
        ("category IQR coverage (nominal 50%)", f"{evaluation.baseline_iqr_coverage:.1%}"),
        ("suggestions written", f"{written:,}"),
    ]
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=gate.reason, summary=summary)
