"""Training the recommender through the mlops pipeline (`manage.py train recommendations`, nightly beat).

Every run splits the history in time, tunes the blend on a validation slice, measures every
source, the blend and a most-popular baseline on the held-out interactions, then refits on the
whole history and registers the model with those figures. It goes to production when the blend
beats the popularity baseline measured in the same run (or with --promote): a model that cannot
beat "show the bestsellers" must not replace anything (apps.mlops.gates, "recommendations").
"""
from __future__ import annotations

import pandas as pd

from apps.mlops.gates import gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.services import ModelCard, json_safe, model_register
from apps.mlops.validation import window_validate
from apps.recommendations import integrations
from apps.recommendations.selectors import MODEL_NAME, interactions_frame, products_frame
from ml.recs.evaluate import K, NotEnoughHistory
from ml.recs.training import TrainResult, recs_train
from ml.validation import DataSpec

TABLE_METRICS = (f"precision@{K}", f"recall@{K}", f"ndcg@{K}", f"map@{K}", "coverage")
MIN_INTERACTIONS = 500
MIN_SHOPPERS = 50
WINDOW = DataSpec(
    what="product interactions",
    min_rows=MIN_INTERACTIONS,
    required=("customer", "product", "type", "timestamp"),
    ranges={"customer": (1, None), "product": (1, None)},
)


def history_check(events: pd.DataFrame, products: pd.DataFrame) -> None:
    """Refuse, saying what is missing, when the history cannot train or measure a recommender."""
    hint = "(send storefront events to POST /api/v1/events/ or import them with `manage.py import_data events FILE.csv`)"
    if products.empty:
        raise TrainingRefused(
            "not enough data: the catalogue is empty (import products with `manage.py import_data products FILE.csv`)"
        )
    if len(events) < MIN_INTERACTIONS:
        raise TrainingRefused(
            f"not enough data: {len(events):,} product interactions, at least {MIN_INTERACTIONS:,} are needed {hint}"
        )
    shoppers = events["customer"].nunique()
    if shoppers < MIN_SHOPPERS:
        raise TrainingRefused(
            f"not enough data: {shoppers:,} shoppers with interactions, at least {MIN_SHOPPERS:,} are needed {hint}"
        )


def metrics_card(evaluation: dict) -> dict:
    """Flat headline figures (for the Models page) plus the full per-source table."""
    blend = evaluation["results"]["blend"]
    baseline = evaluation["results"]["popularity"]
    return json_safe({
        **{key: value for key, value in blend.items() if key != "shoppers"},
        f"popularity_ndcg@{K}": baseline[f"ndcg@{K}"],
        "ndcg_lift_over_popularity": evaluation["ndcg_lift_over_popularity"],
        "evaluated_shoppers": evaluation["shoppers"],
        "sources": evaluation["results"],
    })


def recommendations_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    report(0.01, "loading interactions and products")
    events = interactions_frame(since=options.since, until=options.until)
    products = products_frame()
    history_check(events, products)
    window_validate(events, WINDOW)
    segments = integrations.segment_membership(merchant_id=None)
    try:
        result = recs_train(events, products, segments=segments, progress=lambda f, m: report(0.05 + 0.85 * f, m))
    except NotEnoughHistory as exc:
        raise TrainingRefused(f"not enough data: {exc}") from exc
    report(0.92, "registering the model")
    version = model_register(name=MODEL_NAME, obj=result.model, card=_card(events, result), trained_by=options.actor)
    gate = gate_decide(version=version, force=options.promote, actor=options.actor)
    report(0.99, f"{version}: {gate.reason}")
    return TrainingOutcome(version=version, promoted=gate.promoted, promotion_reason=gate.reason,
                           summary=summary_rows(result))


def _card(events: pd.DataFrame, result: TrainResult) -> ModelCard:
    model = result.model
    return ModelCard(
        metrics=metrics_card(result.evaluation),
        parameters=json_safe({
            "weights": model.weights,
            "half_life_days": model.half_life_days,
            "sources": {name: source.label for name, source in model.sources.items()},
            "segments": model.parameters.get("segments", []),
            "fit_seconds": model.parameters.get("fit_seconds", {}),
        }),
        features=list(model.sources),
        data_start=events["timestamp"].min().to_pydatetime(),
        data_end=events["timestamp"].max().to_pydatetime(),
        row_counts={**result.rows, "interactions": len(events), "shoppers": int(events["customer"].nunique()),
                    "products": len(model.catalogue)},
    )


def summary_rows(result: TrainResult) -> list[tuple[str, str]]:
    """The table `manage.py train` and `evaluate_recs` print: one row per source, the blend and the baseline."""
    rows = [("rows train / validation / test", " / ".join(f"{result.rows[k]:,}" for k in ("train", "validation", "test")))]
    rows.extend(evaluation_rows(result.evaluation))
    return rows


def evaluation_rows(evaluation: dict) -> list[tuple[str, str]]:
    header = f"P@{K}   R@{K}   nDCG@{K} MAP@{K}  cover  novelty"
    rows = [("source", header)]
    for name, figures in evaluation["results"].items():
        figures_text = "  ".join(f"{figures[metric]:.4f}" for metric in TABLE_METRICS)
        rows.append((name, f"{figures_text}  {figures['novelty']:.2f}"))
    lift = evaluation["ndcg_lift_over_popularity"]
    rows.append(("blend / popularity nDCG@10", f"{lift:.2f}x" if lift is not None else "-"))
    rows.append(("tuned weights", ", ".join(f"{k}={v:g}" for k, v in evaluation["weights"].items())))
    rows.append(("shoppers evaluated", f"{evaluation['shoppers']:,}"))
    return rows
