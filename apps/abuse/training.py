"""Training the scalping classifier from analysts' decisions on scalping flags.

Labels: a flag whose payments' review cases were decided is a positive when any of them was
declined as fraud (the analyst agreed it was scalping), a negative when all were cleared. The
features are the ones stored on the flag when it was raised, so training sees exactly what
serving saw. Flags are raised by the rules until a model is promoted, so the classifier learns
which rule hits analysts confirm; the docs say so (it cannot learn about what no rule flagged).

Promotion: the gate of "scalping" in apps.mlops.gates.GATES (held-out average precision, beating the rules' own
ranking and the production model on the same held-out flags).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from django.utils import timezone
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from apps.abuse import conf
from apps.abuse.models import ScalpingFlag
from apps.abuse.services import SCALPING_MODEL
from apps.fraud.models import ReviewCase
from apps.mlops.gates import ProductionFigure, gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.selectors import production_model
from apps.mlops.services import ModelCard, model_register
from apps.mlops.validation import window_validate
from ml.risk.scalping import FEATURES, ScalpingClassifier, rule_score
from ml.validation import DataSpec

MIN_LABELS = 20
MIN_PER_CLASS = 5
WINDOW = DataSpec(
    what="decided flags",
    required=(*FEATURES, "label"),
    null_limits={"stock_left": 1.0},  # made-to-order items have no stock count
    label="label",
    classes=(0, 1),
    ranges={name: (0.0, None) for name in FEATURES},  # counts, shares and spans are never negative
)



def labelled_flags() -> pd.DataFrame:
    """One row per flag with a decided case: FEATURES, cap, label (1 confirmed scalping, 0 cleared)."""
    decided = ScalpingFlag.payments.through.objects.filter(
        payment__assessment__case__status=ReviewCase.Status.DECIDED
    ).values_list("scalpingflag_id", "payment__assessment__case__is_fraud")
    labels: dict[int, int] = {}
    for flag_id, is_fraud in decided:
        labels[flag_id] = max(labels.get(flag_id, 0), int(bool(is_fraud)))
    rows = [
        {**{name: flag.features.get(name, 0.0) for name in FEATURES}, "label": labels[flag.pk], "created_at": flag.detected_at}
        for flag in ScalpingFlag.objects.filter(pk__in=labels)
    ]
    return pd.DataFrame(rows, columns=[*FEATURES, "label", "created_at"])


def _rules_scores(frame: pd.DataFrame) -> np.ndarray:
    rules = conf.scalping_rules()
    records = frame.assign(cap=np.nan).to_dict("records")
    return np.array([rule_score(record, rules) for record in records])


def scalping_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    report(0.05, "loading analysts' decisions on scalping flags")
    frame = labelled_flags()
    if options.since:
        frame = frame[frame["created_at"] >= options.since]
    if options.until:
        frame = frame[frame["created_at"] < options.until]
    counts = frame["label"].value_counts().reindex([0, 1], fill_value=0)
    if len(frame) < MIN_LABELS or counts.min() < MIN_PER_CLASS:
        raise TrainingRefused(
            f"not enough decided scalping cases: {len(frame)} ({counts[1]} confirmed, {counts[0]} cleared); at least "
            f"{MIN_LABELS} with {MIN_PER_CLASS} of each are needed. Decide the scalping cases in the fraud queue; "
            "until then the rules flag scalping on their own."
        )
    window_validate(frame, WINDOW)
    report(0.2, f"training on {len(frame)} decided flags")
    train, test = train_test_split(frame, test_size=0.3, stratify=frame["label"], random_state=0)
    model = ScalpingClassifier().fit(train, train["label"])
    y = test["label"].to_numpy()
    scores = model.predict_proba(test)
    baseline = _rules_scores(test)
    metrics = {
        "roc_auc": float(roc_auc_score(y, scores)),
        "average_precision": float(average_precision_score(y, scores)),
        "rules_roc_auc": float(roc_auc_score(y, baseline)),
        "rules_average_precision": float(average_precision_score(y, baseline)),
        "test_rows": len(test),
    }
    report(0.7, f"held-out ROC AUC {metrics['roc_auc']:.3f} (rules {metrics['rules_roc_auc']:.3f})")
    production = _production_figure(test)
    card = ModelCard(
        metrics=metrics,
        parameters={"model": "logistic regression on log1p features", "C": 1.0, "threshold": conf.scalping_model_threshold()},
        features=list(FEATURES),
        data_start=frame["created_at"].min(),
        data_end=frame["created_at"].max() if len(frame) else timezone.now(),
        row_counts={"flags": len(frame), "confirmed": int(counts[1]), "cleared": int(counts[0]), "train": len(train)},
    )
    version = model_register(name=SCALPING_MODEL, obj=model, card=card, trained_by=options.actor)
    gate = gate_decide(version=version, production=production, force=options.promote, actor=options.actor)
    report(0.98, f"{version}: {gate.reason}")
    summary = [
        ("decided flags", f"{len(frame):,}"),
        ("held-out ROC AUC", f"{metrics['roc_auc']:.3f}"),
        ("rules' ROC AUC", f"{metrics['rules_roc_auc']:.3f}"),
        ("held-out average precision", f"{metrics['average_precision']:.3f}"),
    ]
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=gate.reason, summary=summary)


def _production_figure(test: pd.DataFrame) -> ProductionFigure | None:
    loaded = production_model(name=SCALPING_MODEL)
    if loaded is None:
        return None
    version, model = loaded
    if not isinstance(model, ScalpingClassifier):
        return ProductionFigure(version=version.version, value=None, note="could not be loaded as a scalping classifier")
    value = float(average_precision_score(test["label"].to_numpy(), model.predict_proba(test)))
    return ProductionFigure(version=version.version, value=value, note="same held-out flags")
