"""Training the fraud model from the stored payment history and its labels.

Labels come from imports, analysts' case decisions and chargebacks (`Payment.is_fraud`); every
run reads them afresh, so a label recorded today is in the next run. The trainer checks the
history first and refuses, with a reason a person can act on, when it cannot support a model.

Promotion gate (apps.mlops.gates, "fraud"): the candidate must reach the declared AUC-ROC and
average-precision floors and rank fraud better on the candidate's own validation window, where
the production model is re-scored on exactly the same rows (average precision, the area under
the precision-recall curve: the figure that matters when fraud is ~1% of payments). Without a
production model to beat, or to override the gate, promotion needs `promote=True` (`--promote`, or the portal's Promote button).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from apps.fraud.scoring import PRODUCTION_MODEL_NAME
from apps.fraud.selectors import payments_frame
from apps.mlops.gates import ProductionFigure, gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.selectors import production_model, production_version
from apps.mlops.services import ModelCard, json_safe, model_register
from apps.mlops.validation import window_validate
from ml.fraud.features import FEATURE_NAMES, features_for_history
from ml.fraud.model import CARD_PRECISION_K, TimeSplit, TrainResult, time_split, train_fraud_model
from ml.fraud.velocity import DEFAULT_LABEL_DELAY_DAYS
from ml.monitoring.drift import reference_profile
from ml.validation import DataSpec

MIN_ROWS = 1_000
"""Fewer payments than this cannot fill the time-ordered folds with enough genuine behaviour."""
MIN_FRAUDS_PER_FOLD = 5
"""Train, calibration and threshold windows each need this many labelled frauds (a decline cut-off rests on 5)."""
FOLDS = ("train", "calibration", "thresholds")
MIN_SPAN_DAYS = 28
"""Warm-up (7 days) and label-delay gap (7 days) leave two usable weeks at this span."""
WINDOW = DataSpec(
    what="payments",
    min_rows=MIN_ROWS,
    required=("transaction_id", "timestamp", "customer_id", "amount"),
    label="is_fraud",
    classes=(False, True),
    min_minority_share=0.001,
    ranges={"amount": (0.0, None), "latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)},
)
"""The data-validation step: identifiers present, amounts and coordinates sane, at least 0.1% labelled fraud."""


@dataclass(frozen=True)
class Comparison:
    """Candidate against production on the candidate's validation rows."""

    production_version: int | None
    candidate_average_precision: float
    production_average_precision: float | None
    note: str

    def production_figure(self) -> ProductionFigure | None:
        """What the promotion gate compares the candidate with (None: no production model yet)."""
        if self.production_version is None:
            return None
        return ProductionFigure(self.production_version, self.production_average_precision, self.note)


def fraud_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    """Load, check, featurise, train, register and (if it beats production) promote."""
    report(0.02, "loading payments")
    history = payments_frame(start=options.since, end=options.until)
    split = history_check(history)
    window_validate(history, WINDOW, hint="(fix or re-import the transactions with `manage.py import_data`)")
    report(0.15, f"computing {len(FEATURE_NAMES)} features for {len(history):,} payments")
    features = features_for_history(history)
    report(0.55, "training gradient-boosted trees, calibration and anomaly detector")
    result = train_fraud_model(features, history, split=split)
    report(0.8, "comparing with the production model on the same validation window")
    comparison = production_compare(features=features, history=history, result=result)
    report(0.9, "registering the model")
    card = _card(history, result, comparison, reference=drift_reference(features=features, history=history, result=result))
    version = model_register(name=PRODUCTION_MODEL_NAME, obj=result.model, card=card, trained_by=options.actor)
    gate = gate_decide(version=version, production=comparison.production_figure(), force=options.promote,
                       actor=options.actor)
    report(0.98, f"{version}: {gate.reason}")
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=gate.reason,
                           summary=_summary(result, comparison))


def history_check(history: pd.DataFrame) -> TimeSplit:
    """The time split of `history`, or TrainingRefused saying what the history lacks."""
    if len(history) < MIN_ROWS:
        raise TrainingRefused(
            f"not enough data: {len(history):,} payments, at least {MIN_ROWS:,} are needed "
            "(import transactions with `manage.py import_data transactions FILE.csv`)"
        )
    span = history["timestamp"].max() - history["timestamp"].min()
    if span < pd.Timedelta(days=MIN_SPAN_DAYS):
        raise TrainingRefused(
            f"not enough data: the payments span {span.days} days, at least {MIN_SPAN_DAYS} are needed "
            f"(7 days of warm-up, a {DEFAULT_LABEL_DELAY_DAYS}-day label gap, then training and validation windows)"
        )
    split = time_split(history["timestamp"])
    frauds = history["is_fraud"].eq(True)
    for fold, mask in split.masks(history["timestamp"]).items():
        found = int((frauds & mask).sum())
        if found < MIN_FRAUDS_PER_FOLD:
            start, end = (pd.Timestamp(moment).date() for moment in getattr(split, fold))
            raise TrainingRefused(
                f"not enough data: the {fold} window ({start} to {end}) holds {found} labelled frauds, "
                f"at least {MIN_FRAUDS_PER_FOLD} are needed (label payments through the review queue or "
                "import chargebacks with `manage.py import_data chargebacks FILE.csv`)"
            )
    return split


def production_compare(*, features: pd.DataFrame, history: pd.DataFrame, result: TrainResult) -> Comparison:
    """Re-score the production model on the candidate's validation rows; compare average precision."""
    candidate = result.metrics["average_precision"]
    current = production_version(name=PRODUCTION_MODEL_NAME)
    if current is None:
        return Comparison(None, candidate, None, "no production model yet")
    loaded = production_model(name=PRODUCTION_MODEL_NAME)
    names = list(getattr(loaded[1], "feature_names", ())) if loaded else []
    if loaded is None or not set(names) <= set(features.columns):
        return Comparison(current.version, candidate, None, "cannot be loaded or scored on today's features")
    mask = result.split.masks(history["timestamp"])["thresholds"] & history["is_fraud"].notna().to_numpy()
    scores = loaded[1].score(features.loc[mask, names].to_numpy(dtype=np.float64))
    labels = history.loc[mask, "is_fraud"].astype(bool).to_numpy()
    return Comparison(current.version, candidate, float(average_precision_score(labels, scores)), "same validation rows")


def drift_reference(*, features: pd.DataFrame, history: pd.DataFrame, result: TrainResult) -> dict:
    """What monitoring compares live traffic with: the training rows' features and the validation rows' scores.

    Scores come from the held-out window because training rows are scored over-confidently.
    """
    masks = result.split.masks(history["timestamp"])
    names = list(result.feature_names)
    profile = reference_profile(features.loc[masks["train"], names].to_numpy(dtype=np.float64), names)
    scores = result.model.score(features.loc[masks["thresholds"], names].to_numpy(dtype=np.float64))
    profile["features"]["score"] = reference_profile(scores.reshape(-1, 1), ["score"])["features"]["score"]
    return json_safe(profile)


def _card(history: pd.DataFrame, result: TrainResult, comparison: Comparison, *, reference: dict) -> ModelCard:
    thresholds = result.thresholds
    labelled = history["is_fraud"].notna()
    return ModelCard(
        metrics=json_safe(result.metrics),
        parameters=json_safe(
            {
                "thresholds": {
                    "review": thresholds.review,
                    "decline": thresholds.decline,
                    "targets": thresholds.targets,
                    "notes": thresholds.notes,
                },
                "split": result.split.as_dict(),
                "label_delay_days": DEFAULT_LABEL_DELAY_DAYS,
                "classifier": "HistGradientBoostingClassifier(class_weight=balanced) + isotonic + IsolationForest",
                "card_precision_k": CARD_PRECISION_K,
                f"card_precision_top_{CARD_PRECISION_K}_per_day": {
                    pd.Timestamp(day).date().isoformat(): value for day, value in result.per_day_card_precision.items()
                },
                "comparison": {
                    "production_version": comparison.production_version,
                    "production_average_precision": comparison.production_average_precision,
                    "candidate_average_precision": comparison.candidate_average_precision,
                    "note": comparison.note,
                },
                "train_seconds": result.train_seconds,
            }
        ),
        features=list(result.feature_names),
        data_start=history["timestamp"].min().to_pydatetime(),
        data_end=history["timestamp"].max().to_pydatetime(),
        row_counts={
            **result.rows,
            "payments": len(history),
            "labelled": int(labelled.sum()),
            "frauds": int(history["is_fraud"].eq(True).sum()),
        },
        reference=reference,
    )


def _summary(result: TrainResult, comparison: Comparison) -> list[tuple[str, str]]:
    metrics, thresholds = result.metrics, result.thresholds
    production = comparison.production_average_precision
    return [
        ("rows train / calibration / validation", " / ".join(f"{result.rows[f]:,}" for f in FOLDS)),
        ("AUC-ROC", _figure(metrics["auc_roc"])),
        ("average precision", _figure(metrics["average_precision"])),
        ("production average precision (same rows)", _figure(production) if production is not None else "-"),
        (f"card precision@{CARD_PRECISION_K} per day", _figure(metrics[f"card_precision_top_{CARD_PRECISION_K}"])),
        ("review threshold", _figure(thresholds.review)),
        ("review precision / recall", f"{_figure(metrics['review_precision'])} / {_figure(metrics['review_recall'])}"),
        ("decline threshold", _figure(thresholds.decline) if thresholds.decline is not None else "none"),
        ("decline precision / recall", f"{_figure(metrics['decline_precision'])} / {_figure(metrics['decline_recall'])}"),
        ("training time", f"{result.train_seconds:.1f}s"),
    ]


def _figure(value: float | None) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.4f}"
