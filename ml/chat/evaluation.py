"""Scoring an intent classifier on held-out messages, the way the dialogue uses it.

Accuracy is of the top intent. Out-of-scope recall counts an out-of-scope message as caught
when the policy refuses to act on it (predicted out_of_scope, unsure, or ambiguous): that is
what makes the bot ask instead of answering. "Confident wrong" counts in-scope answers the
policy accepted with the wrong intent: the failure the thresholds exist to prevent.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ml.chat.examples import OUT_OF_SCOPE, Examples
from ml.chat.intents import IntentPolicy


@dataclass(frozen=True)
class IntentScores:
    accuracy: float
    out_of_scope_recall: float
    confident_wrong: int
    refused_in_scope: int
    rows: int
    per_intent_accuracy: dict

    def as_dict(self) -> dict:
        return asdict(self)


def evaluate(model, held_out: Examples, policy: IntentPolicy) -> IntentScores:
    predictions = model.predict_many(held_out.texts)
    correct = [p.intent == y for p, y in zip(predictions, held_out.labels, strict=True)]
    accepted = [policy.accepted(p) for p in predictions]
    oos = [a is None for a, y in zip(accepted, held_out.labels, strict=True) if y == OUT_OF_SCOPE]
    per_intent: dict[str, list[bool]] = {}
    for ok, label in zip(correct, held_out.labels, strict=True):
        per_intent.setdefault(label, []).append(ok)
    return IntentScores(
        accuracy=round(sum(correct) / len(correct), 4),
        out_of_scope_recall=round(sum(oos) / len(oos), 4) if oos else 0.0,
        confident_wrong=sum(1 for a, y in zip(accepted, held_out.labels, strict=True) if a is not None and a != y),
        refused_in_scope=sum(1 for a, y in zip(accepted, held_out.labels, strict=True) if a is None and y != OUT_OF_SCOPE),
        rows=len(held_out),
        per_intent_accuracy={k: round(sum(v) / len(v), 4) for k, v in sorted(per_intent.items())},
    )
