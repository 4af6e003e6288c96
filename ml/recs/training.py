"""From raw interactions to a tuned, evaluated model: split, fit, tune the blend, test, refit on everything."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.recs.evaluate import evaluate, score_table, temporal_split, weights_tune
from ml.recs.model import Progress, RecsModel, recs_fit


@dataclass(frozen=True)
class TrainResult:
    model: RecsModel
    evaluation: dict
    rows: dict[str, int]


def _stage(progress: Progress, start: float, end: float) -> Progress:
    return lambda fraction, message: progress(start + (end - start) * fraction, message)


def recs_evaluate(
    events: pd.DataFrame,
    products: pd.DataFrame,
    *,
    segments: dict[int, str] | None = None,
    progress: Progress | None = None,
    max_shoppers: int = 1500,
) -> tuple[dict, dict[str, int]]:
    """Tune the blend on a validation slice and measure everything on the held-out interactions.

    Returns the evaluation (see ml.recs.evaluate.evaluate) and the split's row counts. The
    evaluated model never sees the held-out interactions.
    """
    report = progress or (lambda fraction, message: None)
    split = temporal_split(events)
    rows = {"train": len(split.train), "validation": len(split.validation), "test": len(split.test)}
    report(0.02, f"split {rows['train']:,} / {rows['validation']:,} / {rows['test']:,} interactions")
    trial = recs_fit(split.train, products, segments=segments, progress=_stage(report, 0.03, 0.45))
    report(0.5, "scoring validation shoppers")
    validation = score_table(trial, split.train, split.validation, segments=segments, max_shoppers=max_shoppers)
    report(0.65, f"tuning blend weights on {len(validation.shoppers):,} shoppers")
    weights, _ = weights_tune(trial, validation)
    report(0.75, "scoring test shoppers")
    history = pd.concat([split.train, split.validation])
    test = score_table(trial, history, split.test, segments=segments, max_shoppers=max_shoppers, seed=1)
    report(0.9, "evaluating every source, the blend and the popularity baseline")
    return evaluate(trial, test, weights=weights), rows


def recs_train(
    events: pd.DataFrame,
    products: pd.DataFrame,
    *,
    segments: dict[int, str] | None = None,
    progress: Progress | None = None,
    max_shoppers: int = 1500,
) -> TrainResult:
    """Evaluate (recs_evaluate), then fit the served model on every interaction with the tuned weights."""
    report = progress or (lambda fraction, message: None)
    evaluation, rows = recs_evaluate(events, products, segments=segments, progress=_stage(report, 0.0, 0.6),
                                     max_shoppers=max_shoppers)
    model = recs_fit(events, products, segments=segments, weights=evaluation["weights"], progress=_stage(report, 0.6, 0.98))
    model.metrics = evaluation
    return TrainResult(model=model, evaluation=evaluation, rows=rows)
