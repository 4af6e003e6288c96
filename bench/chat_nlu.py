"""Chat NLU on the held-out split of the shipped examples: intent accuracy, out-of-scope recall,
the effect of the confidence threshold and ambiguity margin, keyword rules as the baseline, and
per-message latency.

    .venv/bin/python bench/chat_nlu.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.chat.entities import CatalogVocabulary, extract_entities  # noqa: E402
from ml.chat.evaluation import evaluate  # noqa: E402
from ml.chat.examples import examples_load, held_out_split  # noqa: E402
from ml.chat.intents import IntentPolicy, KeywordIntentRules, train_intent_classifier  # noqa: E402


def main() -> None:
    examples = examples_load()
    train, held_out = held_out_split(examples)
    started = time.perf_counter()
    model = train_intent_classifier(train)
    print(f"examples: {len(examples)} ({len(train)} train / {len(held_out)} held out), "
          f"trained in {time.perf_counter() - started:.2f}s")

    policy = IntentPolicy()
    scores = evaluate(model, held_out, policy)
    rules = evaluate(KeywordIntentRules(), held_out, policy)
    print(f"\n{'':32}{'model':>10}{'rules':>10}")
    for label, attribute in (("top-intent accuracy", "accuracy"), ("out-of-scope recall", "out_of_scope_recall")):
        print(f"{label:32}{getattr(scores, attribute):>10.3f}{getattr(rules, attribute):>10.3f}")
    print(f"{'confident wrong answers':32}{scores.confident_wrong:>10}{rules.confident_wrong:>10}")
    print(f"{'in-scope asked to clarify':32}{scores.refused_in_scope:>10}{rules.refused_in_scope:>10}")
    print(f"accuracy ratio model / rules: {scores.accuracy / rules.accuracy:.2f}x")

    print("\nper intent (model):")
    for intent, accuracy in scores.per_intent_accuracy.items():
        print(f"  {intent:22}{accuracy:.2f}")

    print("\nthreshold / margin sweep (model): confident wrong, out-of-scope recall, in-scope clarified")
    for threshold in (0.2, 0.3, 0.35, 0.4, 0.5):
        for margin in (0.0, 0.08, 0.15):
            s = evaluate(model, held_out, IntentPolicy(threshold, margin))
            mark = "  <- serving" if (threshold, margin) == (policy.threshold, policy.margin) else ""
            print(f"  threshold {threshold:.2f} margin {margin:.2f}: {s.confident_wrong:3d} wrong, "
                  f"recall {s.out_of_scope_recall:.2f}, {s.refused_in_scope:3d} clarified{mark}")

    catalog = CatalogVocabulary({i: f"Custom Product Number {i} Mug" for i in range(400)})
    timings = []
    for text in held_out.texts * 3:
        started = time.perf_counter()
        model.predict(text)
        extract_entities(text, catalog)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"\nintent + entities (400-product catalog) per message: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {timings[int(0.95 * len(timings))]:.2f} ms")


if __name__ == "__main__":
    main()
