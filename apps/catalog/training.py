"""Training the tagging model from the catalog and merchants' decisions (`manage.py train tagging`).

Every run reads the catalog and every recorded decision afresh, so a suggestion accepted or
rejected today shapes the next model. A random HOLDOUT_SHARE of products is held out and the
candidate's per-family F1 measured on it; the production model (if any) is re-scored on the
same products. Promotion gate (apps.mlops.gates, "tagging"): the candidate replaces production when
its mean F1 over the families reaches the declared floor and is at least production's; without a
production model it needs `promote=True`.
"""
from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from apps.catalog.tagging import TAGGING_MODEL_NAME, tagging_model, training_rows
from apps.mlops.gates import ProductionFigure, gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.services import ModelCard, model_register
from apps.mlops.validation import window_validate
from ml.tagging.evaluation import FamilyScore, evaluate_tagging
from ml.tagging.model import train_tagging_model
from ml.validation import DataSpec

logger = logging.getLogger(__name__)
MIN_PRODUCTS = 40
"""Fewer products leave the holdout too small to measure anything."""
HOLDOUT_SHARE = 0.2
SEED = 0
WINDOW = DataSpec(what="products", required=("title",), label="category")
"""The data-validation step: every product has a title, and the labelled ones span at least two categories."""


def _mean_f1(scores: dict[str, FamilyScore]) -> float:
    return float(np.mean([score.f1 for score in scores.values()]))


def tagging_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    report(0.02, "loading products and tag decisions")
    rows = training_rows()
    categories = {row.category_label() for row in rows} - {None}
    if len(rows) < MIN_PRODUCTS or len(categories) < 2:
        raise TrainingRefused(
            f"not enough data: {len(rows):,} products in {len(categories)} categories, at least {MIN_PRODUCTS} "
            "products in 2 categories are needed (import products or run `manage.py seed_demo`)"
        )
    window_validate(pd.DataFrame({"title": [r.title for r in rows], "category": [r.category_label() for r in rows]}),
                    WINDOW)
    order = np.random.default_rng(SEED).permutation(len(rows))
    cut = int(len(rows) * (1 - HOLDOUT_SHARE))
    train, holdout = [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]
    report(0.1, f"training on {len(train):,} products, holding out {len(holdout):,}")
    started = time.perf_counter()
    model = train_tagging_model(train)
    train_seconds = time.perf_counter() - started
    report(0.6, "measuring precision, recall and F1 per family on the held-out products")
    scores = evaluate_tagging(model, holdout)
    current = tagging_model()
    production_scores = _production_scores(current[1], holdout) if current else None
    report(0.9, "registering the model")
    metrics = {family: score.as_dict() for family, score in scores.items()} | {"mean_f1": _mean_f1(scores)}
    card = ModelCard(
        metrics=metrics,
        parameters={
            "holdout_share": HOLDOUT_SHARE,
            "categories": model.categories,
            "learnt_values": model.learnt_values,
            "production_mean_f1_same_holdout": _mean_f1(production_scores) if production_scores else None,
            "train_seconds": round(train_seconds, 2),
        },
        features=["title", "description", "category path"],
        data_start=None,
        data_end=None,
        row_counts={"products": len(rows), "train": len(train), "holdout": len(holdout),
                    "decisions": sum(bool(r.accepted or r.rejected or r.category_rejected) for r in rows)},
    )
    version = model_register(name=TAGGING_MODEL_NAME, obj=model, card=card, trained_by=options.actor)
    production = None if current is None else ProductionFigure(
        current[0],
        _mean_f1(production_scores) if production_scores else None,
        "same holdout" if production_scores else "cannot be scored on today's holdout",
    )
    gate = gate_decide(version=version, production=production, force=options.promote, actor=options.actor)
    promoted, reason = gate.promoted, gate.reason
    report(0.98, f"{version}: {reason}")
    summary = [(f"{family} P / R / F1", f"{s.precision:.3f} / {s.recall:.3f} / {s.f1:.3f}") for family, s in scores.items()]
    summary.append(("training time", f"{train_seconds:.1f}s"))
    return TrainingOutcome(version=version, promoted=promoted, promotion_reason=reason, summary=summary)


def _production_scores(model, holdout) -> dict[str, FamilyScore] | None:
    """The production model's scores on the same holdout; None when it cannot predict (an older artifact)."""
    try:
        return evaluate_tagging(model, holdout)
    except Exception:
        logger.exception("the production tagging model cannot be scored on today's holdout")
        return None
