"""Candidate sources: each scores every catalogue item for one shopper and says, in words, why.

All sources share one small interface (`fit`, `scores`, `reason`), so the blender, the offline
evaluation and the API treat them alike and a new source is one class. Scores are non-negative
and only comparable within a source; the blender normalises them.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from ml.recs.als import ALSFactors, als_fit, als_fold_in
from ml.recs.catalogue import Catalogue, Shopper
from ml.recs.interactions import InteractionMatrix, event_weights
from ml.recs.neighbours import Neighbours, cosine_neighbours

MAX_HISTORY = 60
"""Only a shopper's strongest interactions feed the personal sources: fast, and old noise drops out."""
VERBS = {
    "purchase": "bought",
    "add_to_cart": "added {title} to your cart",
    "wishlist": "saved",
    "view": "viewed",
    "click": "viewed",
}


@dataclass(frozen=True)
class TrainingData:
    """Everything sources learn from. `events` are positive events with an `item` column (catalogue index)."""

    catalogue: Catalogue
    interactions: InteractionMatrix
    events: pd.DataFrame
    reference: pd.Timestamp
    documents: list[str]
    segments: dict[int, str]


def because(kind: str, title: str, *, just: bool = False) -> str:
    """'Because you viewed Custom Name Mug' (or bought, saved, added … to your cart)."""
    verb = VERBS.get(kind, "viewed")
    phrase = verb.format(title=title) if "{title}" in verb else f"{verb} {title}"
    return f"Because you just {phrase}" if just else f"Because you {phrase}"


def strongest(shopper: Shopper, limit: int = MAX_HISTORY) -> tuple[np.ndarray, np.ndarray]:
    """The shopper's `limit` heaviest items and their weights."""
    if len(shopper.items) <= limit:
        return shopper.items, shopper.weights
    keep = np.argsort(-shopper.weights, kind="stable")[:limit]
    return shopper.items[keep], shopper.weights[keep]


def spread(neighbours: Neighbours, items: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Sum over the given items of weight * similarity into each of their neighbours."""
    if len(items) == 0:
        return np.zeros(size, dtype=np.float32)
    targets = neighbours.indices[items].ravel()
    values = (neighbours.similarities[items] * weights[:, None]).ravel()
    return np.bincount(targets, weights=values, minlength=size).astype(np.float32)


def anchor(neighbours: Neighbours, items: np.ndarray, weights: np.ndarray, item: int) -> int | None:
    """Position in `items` of the item that contributes most to `item`'s score, if any does."""
    if len(items) == 0:
        return None
    rows = neighbours.indices[items]
    contribution = ((rows == item) * neighbours.similarities[items]).sum(axis=1) * weights
    best = int(np.argmax(contribution))
    return best if contribution[best] > 0 else None


class Source(ABC):
    name: str
    label: str

    @abstractmethod
    def fit(self, data: TrainingData) -> None: ...

    @abstractmethod
    def scores(self, shopper: Shopper) -> np.ndarray:
        """A non-negative float32 score for every catalogue item."""

    @abstractmethod
    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str: ...


class ItemKNNSource(Source):
    """Item-item collaborative filtering: items co-interacted with the shopper's items by the same shoppers."""

    name = "item_knn"
    label = "Item-item collaborative filtering"

    def __init__(self, *, k: int = 50, shrink: float = 5.0) -> None:
        self.k, self.shrink = k, shrink
        self.neighbours: Neighbours | None = None
        self.size = 0

    def fit(self, data: TrainingData) -> None:
        columns = data.interactions.matrix.T.tocsr()
        columns.data = np.log1p(columns.data)
        self.neighbours = cosine_neighbours(columns, k=self.k, shrink=self.shrink)
        self.size = len(data.catalogue)

    def scores(self, shopper: Shopper) -> np.ndarray:
        items, weights = strongest(shopper)
        return spread(self.neighbours, items, weights, self.size)

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        items, weights = strongest(shopper)
        found = anchor(self.neighbours, items, weights, item)
        if found is None:
            return "Often bought together with items you liked"
        position = int(np.nonzero(shopper.items == items[found])[0][0])
        return because(shopper.kinds[position], catalogue.titles[items[found]])


class ALSSource(Source):
    """Matrix factorisation of the implicit feedback; a shopper's vector is folded in from their latest history."""

    name = "als"
    label = "Matrix factorisation (implicit ALS)"

    def __init__(self, *, factors: int = 48, iterations: int = 8, regularization: float = 0.1, alpha: float = 10.0) -> None:
        self.parameters = {"factors": factors, "iterations": iterations, "regularization": regularization, "alpha": alpha}
        self.model: ALSFactors | None = None
        self.unit: np.ndarray | None = None

    def fit(self, data: TrainingData) -> None:
        self.model = als_fit(data.interactions.matrix, **self.parameters)
        # Users' factors are not kept: serving and evaluation fold every shopper in from their history.
        self.model = ALSFactors(
            user_factors=np.zeros((0, self.model.item_factors.shape[1]), dtype=np.float32),
            item_factors=self.model.item_factors,
            regularization=self.model.regularization,
            alpha=self.model.alpha,
            gram=self.model.gram,
        )
        norms = np.linalg.norm(self.model.item_factors, axis=1, keepdims=True)
        self.unit = np.divide(self.model.item_factors, norms, out=np.zeros_like(self.model.item_factors), where=norms > 0)

    def scores(self, shopper: Shopper) -> np.ndarray:
        items, weights = strongest(shopper)
        if len(items) == 0:
            return np.zeros(len(self.unit), dtype=np.float32)
        vector = als_fold_in(self.model, items, weights)
        return np.clip(self.model.item_factors @ vector, 0.0, None)

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        items, weights = strongest(shopper)
        if len(items) == 0:
            return "Matches your taste"
        closeness = (self.unit[items] @ self.unit[item]) * np.sqrt(weights)
        best = items[int(np.argmax(closeness))]
        return f"Shoppers who liked {catalogue.titles[best]} also liked this"

    def factor_similarity(self, item: int, others: np.ndarray) -> np.ndarray:
        return self.unit[others] @ self.unit[item]


class ContentSource(Source):
    """TF-IDF over title, description, tags, attributes and category: works for items nobody has touched yet."""

    name = "content"
    label = "Content similarity (TF-IDF)"

    def __init__(self, *, k: int = 30) -> None:
        self.k = k
        self.neighbours: Neighbours | None = None
        self.size = 0

    def fit(self, data: TrainingData) -> None:
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=1, max_df=0.5, ngram_range=(1, 2), max_features=50_000)
        matrix = vectorizer.fit_transform(data.documents)
        self.neighbours = cosine_neighbours(matrix, k=self.k)
        self.size = len(data.catalogue)

    def scores(self, shopper: Shopper) -> np.ndarray:
        items, weights = strongest(shopper)
        return spread(self.neighbours, items, weights, self.size)

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        items, weights = strongest(shopper)
        found = anchor(self.neighbours, items, weights, item)
        if found is None:
            return f"Similar to {catalogue.leaf(item).lower()} you liked"
        return f"Similar to {catalogue.titles[items[found]]}"


class TrendingSource(Source):
    """Time-decayed popularity, overall and within each category, leaning to the categories the shopper browses."""

    name = "trending"
    label = "Trending (time-decayed popularity)"

    def __init__(self, *, half_life_days: float = 7.0) -> None:
        self.half_life_days = half_life_days
        self.overall = np.zeros(0, dtype=np.float32)
        self.within_category = np.zeros(0, dtype=np.float32)
        self.category_codes = np.zeros(0, dtype=np.int64)

    def fit(self, data: TrainingData) -> None:
        size = len(data.catalogue)
        weights = event_weights(data.events["type"], data.events["timestamp"], reference=data.reference,
                                half_life_days=self.half_life_days)
        heat = np.bincount(data.events["item"].to_numpy(), weights=weights, minlength=size)
        self.overall = (heat / heat.max() if heat.max() > 0 else heat).astype(np.float32)
        codes, _ = pd.factorize(pd.Series(data.catalogue.categories))
        self.category_codes = codes.astype(np.int64)
        best = pd.Series(heat).groupby(self.category_codes).transform("max").to_numpy()
        self.within_category = np.divide(heat, best, out=np.zeros(size), where=best > 0).astype(np.float32)

    def affinity(self, shopper: Shopper) -> np.ndarray:
        """Share of the shopper's interaction weight in each category."""
        total = np.zeros(self.category_codes.max(initial=-1) + 1)
        if len(shopper.items):
            np.add.at(total, self.category_codes[shopper.items], shopper.weights)
        if len(shopper.session):
            np.add.at(total, self.category_codes[shopper.session], 1.0)
        return total / total.sum() if total.sum() > 0 else total

    def scores(self, shopper: Shopper) -> np.ndarray:
        affinity = self.affinity(shopper)
        if not affinity.any():
            return self.overall.copy()
        return (0.5 * self.overall + 0.5 * affinity[self.category_codes] * self.within_category).astype(np.float32)

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        affinity = self.affinity(shopper)
        leaning = affinity[self.category_codes[item]] * self.within_category[item] if affinity.any() else 0.0
        if leaning > self.overall[item] and catalogue.categories[item]:
            return f"Trending in {catalogue.leaf(item)}"
        return "Trending now"


class SegmentSource(Source):
    """What is popular (time-decayed) among customers of the shopper's segment; silent without segments."""

    name = "segment"
    label = "Popular in the shopper's segment"

    def __init__(self, *, half_life_days: float = 30.0, keep: int = 300) -> None:
        self.half_life_days, self.keep = half_life_days, keep
        self.popular: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.size = 0

    def fit(self, data: TrainingData) -> None:
        self.size = len(data.catalogue)
        self.popular = {}
        if not data.segments:
            return
        events = data.events.assign(segment=data.events["customer"].map(data.segments)).dropna(subset=["segment"])
        weights = event_weights(events["type"], events["timestamp"], reference=data.reference,
                                half_life_days=self.half_life_days)
        for segment, rows in events.assign(weight=weights).groupby("segment"):
            heat = np.bincount(rows["item"].to_numpy(), weights=rows["weight"].to_numpy(), minlength=self.size)
            top = np.argsort(-heat, kind="stable")[: self.keep]
            top = top[heat[top] > 0]
            self.popular[str(segment)] = (top.astype(np.int32), (heat[top] / heat[top].max()).astype(np.float32))

    def scores(self, shopper: Shopper) -> np.ndarray:
        vector = np.zeros(self.size, dtype=np.float32)
        if shopper.segment in self.popular:
            items, values = self.popular[shopper.segment]
            vector[items] = values
        return vector

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        return f"Popular with {shopper.segment}"


class SessionSource(Source):
    """Items related (by co-interaction and by content) to what the shopper viewed in this very session."""

    name = "session"
    label = "Session boost"
    DECAY = 0.7
    """Each earlier session item counts 0.7 times the one after it."""

    def __init__(self, collaborative: ItemKNNSource, content: ContentSource) -> None:
        self.collaborative, self.content = collaborative, content

    def fit(self, data: TrainingData) -> None:
        """Nothing of its own to learn: it reads the other sources' neighbour lists at request time."""

    def _weights(self, shopper: Shopper) -> np.ndarray:
        return self.DECAY ** np.arange(len(shopper.session), dtype=np.float64)

    def scores(self, shopper: Shopper) -> np.ndarray:
        weights = self._weights(shopper)
        collaborative = spread(self.collaborative.neighbours, shopper.session, weights, self.collaborative.size)
        content = spread(self.content.neighbours, shopper.session, weights, self.content.size)
        vector = collaborative + 0.5 * content
        vector[shopper.session] = 0.0  # the item on screen is not a recommendation
        return vector

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        weights = self._weights(shopper)
        closeness = [
            weights[i] * max(self.collaborative.neighbours.similarity(s, item), 0.5 * self.content.neighbours.similarity(s, item))
            for i, s in enumerate(shopper.session)
        ]
        best = shopper.session[int(np.argmax(closeness))] if closeness else None
        return because("view", catalogue.titles[best], just=True) if best is not None else "Related to what you are browsing"


class PopularitySource(Source):
    """The baseline: how many shoppers interacted with each item, for everyone alike."""

    name = "popularity"
    label = "Most popular (baseline)"

    def __init__(self) -> None:
        self.counts = np.zeros(0, dtype=np.float32)

    def fit(self, data: TrainingData) -> None:
        matrix = data.interactions.matrix
        self.counts = np.diff(matrix.tocsc().indptr).astype(np.float32)

    def scores(self, shopper: Shopper) -> np.ndarray:
        return self.counts.copy()

    def reason(self, item: int, shopper: Shopper, catalogue: Catalogue) -> str:
        return "Popular on the marketplace"


def sources_build() -> dict[str, Source]:
    """A fresh, unfitted set of every source, in fitting order (the session source reuses two others)."""
    collaborative, content = ItemKNNSource(), ContentSource()
    sources: list[Source] = [
        collaborative,
        ALSSource(),
        content,
        TrendingSource(),
        SegmentSource(),
        SessionSource(collaborative, content),
        PopularitySource(),
    ]
    return {source.name: source for source in sources}

