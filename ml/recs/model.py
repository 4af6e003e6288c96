"""The trained recommender: a catalogue, fitted sources and blend weights, with the three questions it answers.

`recommend` (a shopper's list), `similar` (items like one item) and `explain` (why an item scores
what it does for a shopper). Everything a request needs is precomputed here (neighbour lists,
item factors, trending vectors), so answering is a few numpy operations on ~catalogue-sized arrays.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ml.recs.blend import BLENDED_SOURCES, DEFAULT_WEIGHTS, combine, diversify, normalised, top_items
from ml.recs.catalogue import Catalogue, Shopper
from ml.recs.interactions import HALF_LIFE_DAYS, interaction_matrix, positive_events
from ml.recs.sources import Source, TrainingData, sources_build

MAX_REASONS = 3
REASON_SHARE = 0.15
"""A source is named as a reason when it brings at least this share of the item's score."""
POPULARITY_STRATEGY = "popularity"


@dataclass(frozen=True)
class Recommendation:
    item: int
    score: float
    contributions: dict[str, float]
    reasons: list[str]


@dataclass(frozen=True)
class Explanation:
    item: int
    score: float
    rank: int | None
    """1-based rank among the items allowed for the shopper (None when the item is filtered out)."""
    contributions: dict[str, float]
    reasons: list[str]


@dataclass
class RecsModel:
    catalogue: Catalogue
    sources: dict[str, Source]
    weights: dict[str, float]
    reference: pd.Timestamp
    half_life_days: float = HALF_LIFE_DAYS
    metrics: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)

    @property
    def category_codes(self) -> np.ndarray:
        return self.sources["trending"].category_codes

    def vectors(self, shopper: Shopper, names=BLENDED_SOURCES) -> dict[str, np.ndarray]:
        """Every named source's raw scores for the shopper; sources with nothing to say are left out."""
        vectors = {}
        for name in names:
            if name == "segment" and not shopper.segment:
                continue
            if name == "session" and len(shopper.session) == 0:
                continue
            if name in ("item_knn", "als", "content") and len(shopper.items) == 0:
                continue
            vectors[name] = self.sources[name].scores(shopper)
        return vectors

    def _reasons(self, item: int, parts: dict[str, np.ndarray], shopper: Shopper) -> tuple[dict[str, float], list[str]]:
        contributions = {name: round(float(part[item]), 4) for name, part in parts.items() if part[item] > 0}
        total = sum(contributions.values())
        ranked = sorted(contributions, key=contributions.get, reverse=True)
        named = [name for name in ranked if contributions[name] >= REASON_SHARE * total][:MAX_REASONS] or ranked[:1]
        reasons = list(dict.fromkeys(self.sources[name].reason(item, shopper, self.catalogue) for name in named))
        return contributions, reasons

    def recommend(
        self,
        shopper: Shopper,
        *,
        allowed: np.ndarray,
        limit: int = 10,
        weights: dict[str, float] | None = None,
        strategy: str = "blend",
        diverse: bool = True,
    ) -> list[Recommendation]:
        """The shopper's top `limit` allowed items, best first, with source contributions and reasons.

        strategy "popularity" serves the baseline (an experiment's control arm) through the same filters.
        """
        if strategy == POPULARITY_STRATEGY:
            vectors, weights = {"popularity": self.sources["popularity"].scores(shopper)}, {"popularity": 1.0}
        else:
            vectors, weights = self.vectors(shopper), weights or self.weights
        total, parts = combine(vectors, weights, allowed)
        total[total <= 0] = -np.inf
        if diverse:
            content = self.sources["content"].neighbours
            items = diversify(total, limit=limit, categories=self.category_codes, content=content)
        else:
            items = [int(i) for i in top_items(total, limit)]
        results = []
        for item in items:
            contributions, reasons = self._reasons(item, parts, shopper)
            results.append(Recommendation(item, round(float(total[item]), 4), contributions, reasons))
        return results

    def similar(self, item: int, *, allowed: np.ndarray, limit: int = 10) -> list[Recommendation]:
        """Items like `item`: co-interacted (item-item) first, then similar in content, diversified."""
        size = len(self.catalogue)
        knn, content = self.sources["item_knn"].neighbours, self.sources["content"].neighbours
        parts = {}
        for name, neighbours, weight in (("item_knn", knn, 1.0), ("content", content, 0.5)):
            vector = np.zeros(size, dtype=np.float64)
            indices, sims = neighbours.of(item)
            vector[indices] = sims
            parts[name] = weight * normalised(vector, allowed)
        total = parts["item_knn"] + parts["content"]
        total[~allowed] = -np.inf
        total[item] = -np.inf
        total[total <= 0] = -np.inf
        title = self.catalogue.titles[item]
        words = {"item_knn": f"Shoppers who viewed {title} also viewed this", "content": f"Similar to {title}"}
        results = []
        for other in diversify(total, limit=limit, categories=self.category_codes, content=None):
            contributions = {name: round(float(part[other]), 4) for name, part in parts.items() if part[other] > 0}
            reasons = [words[name] for name in sorted(contributions, key=contributions.get, reverse=True)]
            results.append(Recommendation(other, round(float(total[other]), 4), contributions, reasons))
        return results

    def explain(
        self, shopper: Shopper, item: int, *, allowed: np.ndarray, weights: dict[str, float] | None = None
    ) -> Explanation:
        """Why `item` scores what it does for the shopper, and where it ranks among allowed items."""
        total, parts = combine(self.vectors(shopper), weights or self.weights, allowed | _only(item, len(allowed)))
        contributions, reasons = self._reasons(item, parts, shopper) if np.isfinite(total[item]) else ({}, [])
        score = float(total[item]) if np.isfinite(total[item]) else 0.0
        rank = int((total[allowed] > score).sum()) + 1 if allowed[item] else None
        return Explanation(item, round(score, 4), rank, contributions, reasons)


def _only(item: int, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[item] = True
    return mask


def product_documents(products: pd.DataFrame, catalogue: Catalogue) -> list[str]:
    """One text per catalogue item: title (twice, it matters most), category path, tags, attributes, description."""
    frame = products.set_index("product").reindex(catalogue.ids)
    columns = ("title", "title", "category", "tags", "attributes", "description")
    parts = [frame[column].fillna("").astype(str) for column in columns]
    return [" ".join(values) for values in zip(*parts, strict=True)]


Progress = Callable[[float, str], None]


def recs_fit(
    events: pd.DataFrame,
    products: pd.DataFrame,
    *,
    segments: dict[int, str] | None = None,
    reference: pd.Timestamp | None = None,
    weights: dict[str, float] | None = None,
    progress: Progress | None = None,
) -> RecsModel:
    """Fit every source on `events` (customer, product, type, timestamp) over `products`.

    `products` columns: product, external_id, title, description, category, tags, attributes, merchant.
    Every product is in the model, touched or not, so new products can come from content and trending.
    """
    report = progress or (lambda fraction, message: None)
    catalogue = Catalogue.from_frame(products)
    events = positive_events(events)
    events = events.loc[events["product"].isin(catalogue.index.keys())]
    reference = reference if reference is not None else (events["timestamp"].max() if len(events) else pd.Timestamp.now(tz="UTC"))
    matrix = interaction_matrix(events, catalogue.index, reference=reference)
    data = TrainingData(
        catalogue=catalogue,
        interactions=matrix,
        events=events.assign(item=events["product"].map(catalogue.index).astype(np.int64)),
        reference=reference,
        documents=product_documents(products, catalogue),
        segments=segments or {},
    )
    sources = sources_build()
    seconds = {}
    for position, (name, source) in enumerate(sources.items()):
        report(position / len(sources), f"fitting {source.label.lower()}")
        started = time.perf_counter()
        source.fit(data)
        seconds[name] = round(time.perf_counter() - started, 3)
    return RecsModel(
        catalogue=catalogue,
        sources=sources,
        weights=dict(weights or DEFAULT_WEIGHTS),
        reference=reference,
        parameters={
            "fit_seconds": seconds,
            "shoppers": int(matrix.matrix.shape[0]),
            "items": len(catalogue),
            "interactions": int(matrix.matrix.nnz),
            "segments": sorted(sources["segment"].popular),
        },
    )
