"""The alert recommender: cosine K-nearest neighbours over standardised behavioural features.

A shopper is offered the alert types that at least `threshold` of their `k` most similar
shoppers have (turned on, or - for heuristic-labelled neighbours - whose behaviour calls for
them), except the ones they already decided on. Confidence is the similarity-weighted share,
so close neighbours count more than distant ones; the decision uses the plain share, which
is what the explanation states ("14 of 20 shoppers ...").
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from ml.alerts.explain import neighbour_sentence, rule_sentence, spending_profile
from ml.alerts.features import FEATURES, HEAVY_TAILED
from ml.alerts.heuristics import HeuristicThresholds, heuristic_reasons
from ml.alerts.types import ALERT_KEYS, ALERT_LABELS

DEFAULT_K = 20
DEFAULT_THRESHOLD = 0.4
"""Seed 002: recommend what at least 40% of similar shoppers have."""
QUERY_CHUNK = 256
FROM_PREFERENCES = "preferences"
FROM_SPENDING = "spending"


@dataclass(frozen=True)
class Recommendation:
    alert_type: str
    label: str
    basis: str
    """preferences (neighbours turned it on), spending (heuristic labels), mixed, or rules (no model)."""
    explanation: str
    share: float | None = None
    confidence: float | None = None
    enabled_neighbours: int = 0
    neighbours: int = 0


def transform(features: pd.DataFrame) -> np.ndarray:
    """Log-scale money and counts; the scaler is fitted on the result."""
    values = features[list(FEATURES)].to_numpy(dtype=np.float64, copy=True)
    for i, name in enumerate(FEATURES):
        if name in HEAVY_TAILED:
            values[:, i] = np.log1p(np.clip(values[:, i], 0.0, None))
    values[:, FEATURES.index("limit_utilisation")] = np.clip(values[:, FEATURES.index("limit_utilisation")], 0.0, 3.0)
    return values


class AlertRecommender:
    """Fitted on one population; pickled into the model registry as is."""

    def __init__(self, *, k: int = DEFAULT_K, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.k = k
        self.threshold = threshold

    def fit(
        self,
        features: pd.DataFrame,
        labels: pd.DataFrame,
        *,
        sources: pd.Series,
        thresholds: HeuristicThresholds,
        currency: str,
    ) -> AlertRecommender:
        """`labels`: bool (customer x ALERT_KEYS); `sources`: per customer, FROM_PREFERENCES or FROM_SPENDING."""
        if len(features) < 2:
            raise ValueError("a neighbourhood needs at least two shoppers")
        values = transform(features)
        self.mean_ = values.mean(axis=0)
        scale = values.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        self.customer_ids_ = features.index.to_numpy()
        self.features_ = features[list(FEATURES)].to_numpy(dtype=np.float64)
        self.labels_ = labels.reindex(index=features.index, columns=list(ALERT_KEYS)).fillna(False).to_numpy(dtype=bool)
        self.from_preferences_ = sources.reindex(features.index).eq(FROM_PREFERENCES).to_numpy()
        self.thresholds = thresholds
        self.currency = currency
        # Cosine similarity as the Euclidean distance between unit vectors (cos = 1 - d^2 / 2: the same
        # neighbours in the same order), which lets scikit-learn use a tree instead of scanning
        # every shopper: ~3x faster per query at 50,000 shoppers than metric="cosine" (brute force only).
        self.index_ = NearestNeighbors(metric="euclidean").fit(self._unit(features))
        return self

    @property
    def size(self) -> int:
        return len(self.customer_ids_)

    def _unit(self, features: pd.DataFrame) -> np.ndarray:
        return normalize((transform(features) - self.mean_) / self.scale_)

    def neighbours(self, features: pd.DataFrame, *, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row indices into the training population, cosine similarities), k per query row,
        never the query shopper themself."""
        k = min(k or self.k, self.size - 1)
        scaled = self._unit(features)
        # In chunks: memory stays bounded for a large batch (the leave-one-out check) whatever search
        # scikit-learn picks.
        found = [
            self.index_.kneighbors(scaled[start : start + QUERY_CHUNK], n_neighbors=k + 1)
            for start in range(0, len(scaled), QUERY_CHUNK)
        ]
        distances = np.concatenate([chunk[0] for chunk in found])
        indices = np.concatenate([chunk[1] for chunk in found])
        rows, sims = [], []
        for query_id, row_idx, row_dist in zip(features.index, indices, distances, strict=True):
            keep = self.customer_ids_[row_idx] != query_id
            rows.append(row_idx[keep][:k])
            sims.append(np.clip(1.0 - row_dist[keep][:k] ** 2 / 2, 0.0, None))
        return np.array(rows), np.array(sims)

    def recommend(
        self,
        features: pd.DataFrame,
        *,
        decided: Mapping[object, set[str]] | None = None,
        k: int | None = None,
        threshold: float | None = None,
    ) -> dict[object, list[Recommendation]]:
        """Recommendations per customer in `features` (ordered by confidence), leaving out the alert
        types in `decided[customer]` (those the shopper already turned on or off)."""
        threshold = self.threshold if threshold is None else threshold
        decided = decided or {}
        if features.empty:
            return {}
        rows, sims = self.neighbours(features, k=k)
        out: dict[object, list[Recommendation]] = {}
        for position, customer in enumerate(features.index):
            idx, weight = rows[position], sims[position]
            labels = self.labels_[idx]
            chose = labels & self.from_preferences_[idx][:, None]
            total = len(idx)
            counts = labels.sum(axis=0)
            weighted = (weight[:, None] * labels).sum(axis=0) / weight.sum() if weight.sum() > 0 else counts / max(total, 1)
            row = features.iloc[position]
            profile = spending_profile(
                monthly_spend=float(row["monthly_spend"]), merchant_count=int(row["merchant_count"]), currency=self.currency
            )
            found = []
            for j, key in enumerate(ALERT_KEYS):
                share = counts[j] / total if total else 0.0
                if total == 0 or share < threshold or key in decided.get(customer, set()):
                    continue
                by_choice = int(chose[:, j].sum())
                by_pattern = int(counts[j]) - by_choice
                found.append(
                    Recommendation(
                        alert_type=key,
                        label=ALERT_LABELS[key],
                        basis=FROM_PREFERENCES if by_pattern == 0 else FROM_SPENDING if by_choice == 0 else "mixed",
                        explanation=neighbour_sentence(
                            label=ALERT_LABELS[key], chose=by_choice, patterned=by_pattern, neighbours=total, profile=profile
                        ),
                        share=round(float(share), 4),
                        confidence=round(float(weighted[j]), 4),
                        enabled_neighbours=int(counts[j]),
                        neighbours=total,
                    )
                )
            out[customer] = sorted(found, key=lambda r: (-(r.confidence or 0), -(r.share or 0), r.alert_type))
        return out

    def leave_one_out(self, *, sample: int = 2000, seed: int = 0) -> dict[str, float]:
        """Precision and recall of recommendations against the labels of shoppers who chose alerts
        (each predicted from their neighbours without them); heuristic rows when none chose."""
        pool = np.flatnonzero(self.from_preferences_) if self.from_preferences_.any() else np.arange(self.size)
        if len(pool) == 0 or self.size < 3:
            return {"precision": 0.0, "recall": 0.0, "evaluated": 0}
        rng = np.random.default_rng(seed)
        chosen = rng.choice(pool, size=min(sample, len(pool)), replace=False)
        query = pd.DataFrame(self.features_[chosen], index=self.customer_ids_[chosen], columns=list(FEATURES))
        rows, _ = self.neighbours(query)
        predicted = np.array([self.labels_[idx].mean(axis=0) >= self.threshold for idx in rows])
        actual = self.labels_[chosen]
        hits = float((predicted & actual).sum())
        return {
            "precision": round(hits / float(predicted.sum()), 4) if predicted.sum() else 0.0,
            "recall": round(hits / float(actual.sum()), 4) if actual.sum() else 0.0,
            "evaluated": int(len(chosen)),
        }


def rule_recommendations(
    features: pd.DataFrame,
    *,
    thresholds: HeuristicThresholds,
    decided: Mapping[object, set[str]] | None = None,
) -> dict[object, list[Recommendation]]:
    """Without a model: the heuristic labels of the shopper's own behaviour, each with its reason."""
    decided = decided or {}
    out: dict[object, list[Recommendation]] = {}
    for customer, row in features.iterrows():
        reasons = heuristic_reasons(row, thresholds)
        out[customer] = [
            Recommendation(
                alert_type=key,
                label=ALERT_LABELS[key],
                basis="rules",
                explanation=rule_sentence(label=ALERT_LABELS[key], reason=reason),
            )
            for key, reason in reasons.items()
            if key not in decided.get(customer, set())
        ]
    return out
