"""Offline evaluation: a time-ordered split, every source alone, the blend and a most-popular baseline, in one run.

Protocol. Each shopper's interactions are ordered in time; the latest `test_share` of them are
held out for the test and the `validation_share` before those for tuning the blend weights. The
model is fitted on the rest. A shopper's list is scored against the items they went on to touch
that they had not touched before (re-showing what they already know is not a discovery), and
those known items are excluded from every list, the baseline's included.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.recs.blend import BLENDED_SOURCES, diversify
from ml.recs.catalogue import TYPE_RANK, shopper_build
from ml.recs.interactions import event_weights, positive_events
from ml.recs.metrics import ranking_report
from ml.recs.model import RecsModel

K = 10
TUNED_SOURCES = ("item_knn", "als", "content", "trending", "segment")
"""The session boost needs live sessions, which an offline split does not have: its weight stays as set."""
WEIGHT_GRID = (0.0, 0.1, 0.3, 1.0, 3.0)
BASELINE = "popularity"


class NotEnoughHistory(ValueError):
    """No shopper has later interactions with new items to test on (histories too short or too few)."""


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    validation: pd.DataFrame
    test: pd.DataFrame


def temporal_split(events: pd.DataFrame, *, test_share: float = 0.2, validation_share: float = 0.1, min_events: int = 3) -> Split:
    """Per shopper, in time order: the first part trains, the next `validation_share` validates, the last `test_share` tests.

    Shoppers with fewer than `min_events` positive events stay entirely in training.
    """
    events = positive_events(events).sort_values(["customer", "timestamp"], kind="stable")
    position = events.groupby("customer").cumcount().to_numpy()
    count = events.groupby("customer")["product"].transform("size").to_numpy()
    share = position / count + 1e-9  # 7/10 must reach a 1 - 0.2 - 0.1 boundary despite rounding
    eligible = count >= min_events
    test = eligible & (share >= 1 - test_share)
    validation = eligible & ~test & (share >= 1 - test_share - validation_share)
    return Split(train=events.loc[~test & ~validation], validation=events.loc[validation], test=events.loc[test])


@dataclass
class ScoreTable:
    """Raw source scores for a sample of shoppers (rows) over the catalogue (columns), and what each already knows."""

    shoppers: np.ndarray
    vectors: dict[str, np.ndarray]
    known: np.ndarray
    relevant: list[set[int]]


def score_table(
    model: RecsModel,
    history: pd.DataFrame,
    heldout: pd.DataFrame,
    *,
    segments: dict[int, str] | None = None,
    max_shoppers: int = 1500,
    seed: int = 0,
) -> ScoreTable:
    """Score every source for up to `max_shoppers` shoppers who have a history and a new item in `heldout`."""
    index = model.catalogue.index
    history = positive_events(history)
    history = history.loc[history["product"].isin(index.keys())]
    heldout = positive_events(heldout)
    heldout = heldout.loc[heldout["product"].isin(index.keys())]
    seen = history.groupby("customer")["product"].agg(set)
    future = heldout.groupby("customer")["product"].agg(set)
    candidates = [c for c in future.index if c in seen.index and future[c] - seen[c]]
    rng = np.random.default_rng(seed)
    if len(candidates) > max_shoppers:
        candidates = sorted(rng.choice(candidates, size=max_shoppers, replace=False).tolist())
    size = len(model.catalogue)
    names = (*BLENDED_SOURCES, BASELINE)
    vectors = {name: np.zeros((len(candidates), size), dtype=np.float32) for name in names}
    known = np.zeros((len(candidates), size), dtype=bool)
    relevant = []
    segments = segments or {}
    chosen = history.loc[history["customer"].isin(candidates)]
    items = chosen["product"].map(index).to_numpy(dtype=np.int64)
    weights = event_weights(chosen["type"], chosen["timestamp"], reference=model.reference, half_life_days=model.half_life_days)
    ranks = chosen["type"].map(TYPE_RANK).to_numpy(dtype=np.int64)
    rows_of = chosen.groupby("customer").indices
    for row, customer in enumerate(candidates):
        at = rows_of[customer]
        shopper = shopper_build(items[at], weights[at], ranks[at], segment=segments.get(customer))
        for name, vector in model.vectors(shopper, names).items():
            vectors[name][row] = vector
        known[row, shopper.items] = True
        relevant.append({index[p] for p in future[customer] - seen[customer]})
    return ScoreTable(np.asarray(candidates), vectors, known, relevant)


def _normalised_rows(matrix: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    top = np.where(allowed, matrix, 0.0).max(axis=1, keepdims=True)
    return np.divide(matrix, top, out=np.zeros_like(matrix), where=top > 0)


def _top_k(matrix: np.ndarray, allowed: np.ndarray, k: int) -> list[list[int]]:
    """Each row's k best allowed items with a positive score, best first."""
    masked = np.where(allowed & (matrix > 0), matrix, -np.inf)
    k = min(k, masked.shape[1])
    top = np.argpartition(-masked, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(masked, top, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    top, values = np.take_along_axis(top, order, axis=1), np.take_along_axis(values, order, axis=1)
    return [
        [int(item) for item, value in zip(items, scores, strict=True) if np.isfinite(value)]
        for items, scores in zip(top, values, strict=True)
    ]


def blended(table: ScoreTable, weights: dict[str, float], allowed: np.ndarray) -> np.ndarray:
    total = np.zeros(table.known.shape, dtype=np.float32)
    for name in BLENDED_SOURCES:
        if weights.get(name, 0.0) > 0:
            total += weights[name] * _normalised_rows(table.vectors[name], allowed)
    return total


def _report(model: RecsModel, table: ScoreTable, lists: list[list[int]], k: int) -> dict[str, float]:
    counts = model.sources[BASELINE].counts
    return ranking_report(
        dict(enumerate(lists)),
        dict(enumerate(table.relevant)),
        k=k,
        catalogue_size=len(model.catalogue),
        popularity=dict(enumerate(counts.tolist())),
        users=int(model.parameters.get("shoppers", 1)) or 1,
    )


def weights_tune(model: RecsModel, table: ScoreTable, *, k: int = K, passes: int = 2) -> tuple[dict[str, float], float]:
    """Coordinate ascent over WEIGHT_GRID per tuned source, maximising nDCG@k; returns the weights and their nDCG."""
    allowed = ~table.known
    weights = dict(model.weights)
    relevant = dict(enumerate(table.relevant))
    if not relevant:
        return weights, 0.0

    def quality(candidate: dict[str, float]) -> float:
        lists = _top_k(blended(table, candidate, allowed), allowed, k)
        return ranking_report(dict(enumerate(lists)), relevant, k=k, catalogue_size=1, popularity={}, users=1)[f"ndcg@{k}"]

    best = quality(weights)
    for _ in range(passes):
        improved = False
        for name in TUNED_SOURCES:
            for value in WEIGHT_GRID:
                if value == weights.get(name):
                    continue
                candidate = {**weights, name: value}
                if not any(candidate.get(source, 0) > 0 for source in TUNED_SOURCES):
                    continue
                score = quality(candidate)
                if score > best + 1e-9:
                    best, weights, improved = score, candidate, True
        if not improved:
            break
    return weights, best


def evaluate(model: RecsModel, table: ScoreTable, *, weights: dict[str, float] | None = None, k: int = K) -> dict:
    """Metrics of every source alone, the (diversified) blend and the most-popular baseline on the same shoppers."""
    if len(table.shoppers) == 0:
        raise NotEnoughHistory(
            "no shopper has later interactions with items new to them: histories are too short to hold any out"
        )
    allowed = ~table.known
    weights = weights or model.weights
    results = {}
    for name in (*BLENDED_SOURCES, BASELINE):
        if table.vectors[name].any():
            results[name] = _report(model, table, _top_k(table.vectors[name], allowed, k), k)
    total = blended(table, weights, allowed)
    content, codes = model.sources["content"].neighbours, model.category_codes
    lists = []
    for row in range(len(table.shoppers)):
        scores = np.where(allowed[row] & (total[row] > 0), total[row], -np.inf).astype(np.float64)
        lists.append(diversify(scores, limit=k, categories=codes, content=content))
    results["blend"] = _report(model, table, lists, k)
    results["blend_undiversified"] = _report(model, table, _top_k(total, allowed, k), k)
    baseline = results[BASELINE][f"ndcg@{k}"]
    return {
        "k": k,
        "shoppers": len(table.shoppers),
        "weights": weights,
        "results": results,
        "ndcg_lift_over_popularity": results["blend"][f"ndcg@{k}"] / baseline if baseline > 0 else None,
    }
