"""The `bots` trainer of the mlops pipeline: an IsolationForest of what ordinary sessions look like.

It learns from the last TRAINING_DAYS days of every merchant's sessions (features per session,
`ml.risk.bots`). Sessions already flagged are left in: excluding them would teach the model that
whatever it flagged last time is normal traffic's edge, and the contamination threshold expects
the automated share to be in the training data.

Promotion (apps.mlops.gates, "bots"): every trained model passes the gate. Without labels there is
no held-out score a new model could beat; the latest model describes today's traffic, and the card
records how often it agrees with the fallback rules so a drastic change is visible on the Models page.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
from django.utils import timezone

from apps.bots.conf import setting
from apps.bots.selectors import events_frame, merchants_with_events
from apps.bots.services import MODEL_NAME, rules
from apps.mlops.gates import gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.services import ModelCard, json_safe, model_register
from apps.mlops.validation import window_validate
from ml.risk.bots import FEATURES, MODEL_FEATURES, BotDetector, judged, rule_flags, session_features
from ml.validation import DataSpec

WINDOW = DataSpec(
    what="judged sessions",
    required=FEATURES,
    ranges={name: (0.0, None) for name in FEATURES},  # rates, shares, counts and durations are never negative
)


def training_features(*, since, until, report: ProgressReporter) -> pd.DataFrame:
    """Session features of every merchant's sessions in [since, until), merchant by merchant."""
    merchants = merchants_with_events(since=since, until=until)
    parts = []
    for done, merchant_id in enumerate(merchants):
        report(0.05 + 0.55 * done / max(len(merchants), 1), f"session features of merchant {merchant_id}")
        features = session_features(events_frame(merchant_id=merchant_id, since=since, until=until))
        parts.append(features.set_axis([f"{merchant_id}:{s}" for s in features.index]))
    return pd.concat(parts) if parts else session_features(pd.DataFrame(columns=["session_id", "type", "product", "timestamp"]))


def bots_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    until = options.until or timezone.now()
    days = setting("TRAINING_DAYS")
    since = max(options.since, until - timedelta(days=days)) if options.since else until - timedelta(days=days)
    report(0.02, "loading sessions")
    features = training_features(since=since, until=until, report=report)
    detector = BotDetector(contamination=setting("CONTAMINATION"))
    sessions = judged(features, min_events=detector.min_events)
    needed = setting("MIN_TRAINING_SESSIONS")
    if len(sessions) < needed:
        raise TrainingRefused(
            f"not enough data: {len(sessions):,} sessions of {detector.min_events}+ events in the last {days} days, "
            f"at least {needed:,} are needed (send storefront events with session ids to POST /api/v1/events/ "
            "or import them with `manage.py import_data events FILE.csv`)"
        )
    window_validate(sessions, WINDOW)
    report(0.65, f"fitting the IsolationForest on {len(sessions):,} sessions")
    detector.fit(features)
    report(0.85, "comparing with the fallback rules")
    model_flags = detector.score(features)["flagged"]
    rule_flags_ = rule_flags(features, rules())["flagged"]
    both = int((model_flags & rule_flags_).sum())
    metrics = {
        "sessions": len(sessions),
        "flagged_share": float(model_flags.mean()),
        "threshold": detector.threshold,
        "rules_flagged": int(rule_flags_.sum()),
        "rules_also_flagged_by_model": both / int(rule_flags_.sum()) if rule_flags_.any() else None,
        "model_flags_also_flagged_by_rules": both / int(model_flags.sum()) if model_flags.any() else None,
        "fit_seconds": detector.fit_seconds,
    }
    card = ModelCard(
        metrics=json_safe(metrics),
        parameters=json_safe({
            "contamination": detector.contamination,
            "n_estimators": detector.n_estimators,
            "min_events": detector.min_events,
            "training_days": days,
            "normal_ranges": detector.quantiles,
        }),
        features=list(MODEL_FEATURES),
        data_start=since,
        data_end=until,
        row_counts={"sessions": len(features), "judged_sessions": len(sessions)},
    )
    report(0.92, "registering the model")
    version = model_register(name=MODEL_NAME, obj=detector, card=card, trained_by=options.actor)
    gate = gate_decide(version=version, force=options.promote, actor=options.actor)
    reason = (
        f"{gate.reason}: the latest description of normal sessions ({len(sessions):,} sessions, "
        f"{metrics['flagged_share']:.1%} flagged at the {detector.contamination:.0%} contamination target)"
    )
    report(0.98, f"{version}: {reason}")
    agreement = metrics["rules_also_flagged_by_model"]
    summary = [
        ("sessions judged", f"{len(sessions):,} of {len(features):,}"),
        ("flagged by the model", f"{int(model_flags.sum()):,} ({metrics['flagged_share']:.1%})"),
        ("threshold (anomaly score)", f"{detector.threshold:.3f}"),
        ("flagged by the rules", f"{metrics['rules_flagged']:,}"),
        ("rule flags the model also flags", "-" if agreement is None else f"{agreement:.0%}"),
    ]
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=reason, summary=summary)
