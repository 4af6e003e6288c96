"""Training the chat intent classifier from the labelled messages shipped in ml/chat/data.

The model card records accuracy and out-of-scope recall on the held-out split (the policy's
refusals count as out of scope); the registered model is then refit on every example. A new
version is promoted when it is at least as accurate on the held-out split as production.
"""
from __future__ import annotations

from apps.chat.nlu import MODEL_NAME, POLICY, classifier_reset
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.selectors import production_version
from apps.mlops.services import ModelCard, model_promote, model_register
from ml.chat.evaluation import evaluate
from ml.chat.examples import INTENTS, examples_load, held_out_split
from ml.chat.intents import train_intent_classifier

MIN_EXAMPLES_PER_INTENT = 10


def chat_intents_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    report(0.05, "loading labelled messages")
    examples = examples_load()
    counts = {intent: examples.labels.count(intent) for intent in INTENTS}
    short = {i: n for i, n in counts.items() if n < MIN_EXAMPLES_PER_INTENT}
    if short:
        raise TrainingRefused(f"not enough examples: {short}; each intent needs {MIN_EXAMPLES_PER_INTENT} in "
                              "ml/chat/data/intents.tsv")
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
    if options.promote or current_accuracy is None or scores.accuracy >= current_accuracy:
        model_promote(version=version, actor=options.actor)
        promoted, reason = True, f"promoted (held-out accuracy {scores.accuracy:.3f})"
    else:
        promoted, reason = False, f"not promoted: accuracy {scores.accuracy:.3f} below production's {current_accuracy:.3f}"
    classifier_reset()
    report(0.98, reason)
    return TrainingOutcome(version=version, promoted=promoted, promotion_reason=reason, summary=[
        ("examples (train / held out)", f"{len(train)} / {len(held_out)}"),
        ("held-out accuracy", f"{scores.accuracy:.3f}"),
        ("out-of-scope recall", f"{scores.out_of_scope_recall:.3f}"),
        ("confident wrong answers", f"{scores.confident_wrong} of {len(held_out)}"),
    ])
