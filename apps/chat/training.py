"""Training the chat intent classifier from the labelled messages shipped in ml/chat/data.

The model card records accuracy and out-of-scope recall on the held-out split (the policy's
refusals count as out of scope); the registered model is then refit on every example. A new
version is promoted (apps.mlops.gates, "chat_intents") when its held-out accuracy reaches the
declared floor and production's recorded accuracy on the same split.
"""
from __future__ import annotations

import pandas as pd

from apps.chat.nlu import MODEL_NAME, POLICY, classifier_reset
from apps.mlops.gates import ProductionFigure, gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.selectors import production_version
from apps.mlops.services import ModelCard, model_register
from apps.mlops.validation import window_validate
from ml.chat.evaluation import evaluate
from ml.chat.examples import INTENTS, examples_load, held_out_split
from ml.chat.intents import train_intent_classifier
from ml.validation import DataSpec

MIN_EXAMPLES_PER_INTENT = 10
WINDOW = DataSpec(what="labelled messages", required=("text", "intent"), label="intent", classes=INTENTS,
                  min_minority_share=0.01)
"""The data-validation step: no empty message, and no intent below 1% of the examples."""


def chat_intents_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    report(0.05, "loading labelled messages")
    examples = examples_load()
    counts = {intent: examples.labels.count(intent) for intent in INTENTS}
    short = {i: n for i, n in counts.items() if n < MIN_EXAMPLES_PER_INTENT}
    if short:
        raise TrainingRefused(f"not enough examples: {short}; each intent needs {MIN_EXAMPLES_PER_INTENT} in "
                              "ml/chat/data/intents.tsv")
    window_validate(pd.DataFrame({"text": examples.texts, "intent": examples.labels}), WINDOW)
    train, held_out = held_out_split(examples)
    report(0.3, f"training on {len(train)} messages, scoring {len(held_out)} held out")
    scores = evaluate(train_intent_classifier(train), held_out, POLICY)
    report(0.7, "refitting on every example")
    model = train_intent_classifier(examples)
    model.metrics.update(scores.as_dict())
    current = production_version(name=MODEL_NAME)
    current_accuracy = (current.metrics or {}).get("accuracy") if current else None
    version = model_register(
        name=MODEL_NAME, obj=model,
        card=ModelCard(metrics=scores.as_dict(), parameters={"threshold": POLICY.threshold, "margin": POLICY.margin,
                                                              "features": "tfidf word 1-2 + char_wb 2-5",
                                                              "classifier": "LogisticRegression(C=8)"},
                       features=list(model.classes), data_start=None, data_end=None,
                       row_counts={"examples": len(examples), "train": len(train), "held_out": len(held_out), **counts}),
        trained_by=options.actor)
    production = None if current is None else ProductionFigure(
        current.version, current_accuracy, "same held-out split (recorded)" if current_accuracy is not None
        else "recorded no held-out accuracy")
    gate = gate_decide(version=version, production=production, force=options.promote, actor=options.actor)
    promoted, reason = gate.promoted, gate.reason
    classifier_reset()
    report(0.98, reason)
    return TrainingOutcome(version=version, promoted=promoted, promotion_reason=reason, summary=[
        ("examples (train / held out)", f"{len(train)} / {len(held_out)}"),
        ("held-out accuracy", f"{scores.accuracy:.3f}"),
        ("out-of-scope recall", f"{scores.out_of_scope_recall:.3f}"),
        ("confident wrong answers", f"{scores.confident_wrong} of {len(held_out)}"),
    ])
