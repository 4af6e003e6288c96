"""Fair price: what comparable listings sell for, as a range a merchant can set a price against.

A regression of log price on what a listing is (category path, tags, attributes such as material
or personalisation, title words) and how shoppers treat it (views, carts, units sold, conversion
over a window). Three gradient-boosted trees with quantile loss give the 10th, 50th and 90th
percentile of log price; a calibration split then widens (or narrows) that band by split
conformal prediction (conformalised quantile regression, Romano et al. 2019) so that, on listings
the model has not seen, about `coverage` of real prices fall inside it. Log price because prices
are multiplicative (a ceramic mug and a gold pendant differ by factors, not amounts) and because
errors then read as percentages.

The baseline every figure is compared with is what a merchant would do without a model: the
median price of the category (`CategoryPrices`), which is also the fallback range (its
interquartile range) when no model is trained.

Framework-free: the caller builds the product frame (`PRODUCT_COLUMNS`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.feature_extraction import FeatureHasher
from threadpoolctl import threadpool_limits

PRODUCT_COLUMNS = ("product_id", "title", "category", "tags", "attributes", "customisable", "price", "views", "carts", "units")
"""category: the "A > B > C" path ("" when uncategorised); tags: list of names; attributes: dict of
name -> str or list; views, carts, units: counts over the demand window."""

CATEGORY_SEPARATOR = ">"
QUANTILES = (0.1, 0.5, 0.9)
HASHED_TOKENS = 128
NUMERIC_FEATURES = (
    "customisable",
    "log_views",
    "log_carts",
    "log_units",
    "cart_rate",
    "conversion",
    "attribute_count",
    "tag_count",
    "title_words",
)
ENCODED_LEVELS = 3
"""Target-encoded category depths (top level, second, third): the trees split on one number per
level instead of on sparse hashed path tokens."""
ENCODING_PRIOR = 1.0
"""A category's encoded mean shrinks towards its parent's with the weight of one listing: categories
of one parent differ by factors (canvas vs prints), so more shrinkage cost MAPE on the demo data."""
ENCODING_FOLDS = 5
TREE_THREADS = 1
"""OpenMP threads per tree fit. The data is small (thousands of listings), so threads buy little,
and on a busy host (web workers, Celery) OpenMP's spinning threads made a fit 6x slower, not faster."""
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset({"a", "an", "and", "the", "for", "with", "of", "in", "to", "your", "by", "on"})

Position = str
BELOW, WITHIN, ABOVE = "below", "within", "above"


# --- features ---------------------------------------------------------------------------------------


def category_levels(path: str) -> list[str]:
    """"Home > Drinkware > Mugs" -> ["Home", "Home > Drinkware", "Home > Drinkware > Mugs"]."""
    parts = [part.strip() for part in (path or "").split(CATEGORY_SEPARATOR) if part.strip()]
    return [" > ".join(parts[: depth + 1]) for depth in range(len(parts))]


def _attribute_tokens(attributes: dict) -> list[str]:
    tokens = []
    for name, value in sorted((attributes or {}).items()):
        values = value if isinstance(value, list | tuple) else [value]
        tokens.append(f"has:{name}")
        tokens.extend(f"attr:{name}={str(item).strip().lower()}" for item in values if str(item).strip())
    return tokens


def listing_tokens(row: pd.Series) -> list[str]:
    """What a listing is, as tokens: category levels, tags, attributes and title words."""
    words = [word for word in _WORD.findall(str(row["title"]).lower()) if word not in _STOP]
    return [
        *(f"cat:{level}" for level in category_levels(row["category"])),
        *(f"tag:{str(tag).lower()}" for tag in (row["tags"] or [])),
        *_attribute_tokens(row["attributes"]),
        *(f"word:{word}" for word in words),
    ]


def demand_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric features: demand over the window (log counts and rates) and the listing's size."""
    views = frame["views"].astype(float).clip(lower=0)
    carts = frame["carts"].astype(float).clip(lower=0)
    units = frame["units"].astype(float).clip(lower=0)
    # Rates over views, with one pseudo-view so a listing nobody saw reads as 0, not NaN.
    return pd.DataFrame(
        {
            "customisable": frame["customisable"].astype(float),
            "log_views": np.log1p(views),
            "log_carts": np.log1p(carts),
            "log_units": np.log1p(units),
            "cart_rate": carts / (views + 1.0),
            "conversion": units / (views + 1.0),
            "attribute_count": frame["attributes"].map(lambda a: float(len(a or {}))),
            "tag_count": frame["tags"].map(lambda t: float(len(t or []))),
            "title_words": frame["title"].map(lambda t: float(len(_WORD.findall(str(t).lower())))),
        },
        index=frame.index,
    )[list(NUMERIC_FEATURES)]


@dataclass
class CategoryEncoder:
    """Mean log price per category level, each shrunk towards its parent's (global at the top)."""

    global_mean: float = 0.0
    means: dict[str, float] = field(default_factory=dict)

    def fit(self, categories: Sequence[str], log_prices: Sequence[float]) -> CategoryEncoder:
        self.global_mean = float(np.mean(log_prices))
        sums: dict[str, list[float]] = {}
        for path, value in zip(categories, log_prices, strict=True):
            for level in category_levels(path):
                sums.setdefault(level, []).append(float(value))
        # Parents before children, so each level shrinks towards its already-encoded parent.
        self.means = {}
        for level in sorted(sums, key=lambda name: name.count(">")):
            values = sums[level]
            parent = level.rsplit(" > ", 1)[0] if " > " in level else None
            prior = self.means.get(parent, self.global_mean) if parent else self.global_mean
            self.means[level] = (sum(values) + ENCODING_PRIOR * prior) / (len(values) + ENCODING_PRIOR)
        return self

    def transform(self, categories: Iterable[str]) -> np.ndarray:
        rows = []
        for path in categories:
            levels = category_levels(path)
            encoded, last = [], self.global_mean
            for depth in range(ENCODED_LEVELS):
                if depth < len(levels) and levels[depth] in self.means:
                    last = self.means[levels[depth]]
                encoded.append(last)  # deeper than the path (or unseen): the deepest known level
            rows.append(encoded)
        return np.asarray(rows, dtype=float).reshape(-1, ENCODED_LEVELS)


def _out_of_fold_encoding(categories: list[str], log_prices: np.ndarray, seed: int) -> np.ndarray:
    """Training rows' encodings computed without their own price, so the trees do not learn to trust
    an encoding that already contains the answer."""
    folds = np.random.default_rng(seed).integers(0, ENCODING_FOLDS, size=len(categories))
    encoded = np.empty((len(categories), ENCODED_LEVELS))
    for fold in range(ENCODING_FOLDS):
        held = folds == fold
        if not held.any():
            continue
        rest = ~held
        encoder = CategoryEncoder().fit([c for c, r in zip(categories, rest, strict=True) if r], log_prices[rest])
        encoded[held] = encoder.transform([c for c, h in zip(categories, held, strict=True) if h])
    return encoded


@dataclass
class Featurizer:
    encoder: CategoryEncoder = field(default_factory=CategoryEncoder)
    hasher: FeatureHasher = field(
        default_factory=lambda: FeatureHasher(n_features=HASHED_TOKENS, input_type="string", alternate_sign=False)
    )

    def fit_transform(self, frame: pd.DataFrame, log_prices: np.ndarray, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Features and the offset (the deepest category level's mean log price) of each training row."""
        categories = frame["category"].fillna("").tolist()
        self.encoder.fit(categories, log_prices)
        encoded = _out_of_fold_encoding(categories, log_prices, seed)
        return self._assemble(frame, encoded), encoded[:, -1]

    def transform(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        encoded = self.encoder.transform(frame["category"].fillna("").tolist())
        return self._assemble(frame, encoded), encoded[:, -1]

    def _assemble(self, frame: pd.DataFrame, encoded: np.ndarray) -> np.ndarray:
        tokens = self.hasher.transform(listing_tokens(row) for _, row in frame.iterrows()).toarray()
        return np.hstack([encoded, demand_features(frame).to_numpy(), tokens])


# --- the model --------------------------------------------------------------------------------------


def _validated(frame: pd.DataFrame, *, need_price: bool) -> pd.DataFrame:
    missing = [column for column in PRODUCT_COLUMNS if column not in frame.columns and (need_price or column != "price")]
    if missing:
        raise ValueError(f"product frame lacks columns: {', '.join(missing)}")
    if need_price and (frame["price"].astype(float) <= 0).any():
        raise ValueError("prices must be positive to learn from (drop free listings first)")
    return frame.reset_index(drop=True)


@dataclass
class FairPriceModel:
    """Quantile trees on log price with a conformal correction of the band's width."""

    coverage: float = 0.8
    calibration_share: float = 0.2
    seed: int = 0
    max_iter: int = 120
    featurizer: Featurizer = field(default_factory=Featurizer)
    models: dict[float, HistGradientBoostingRegressor] = field(default_factory=dict)
    correction: float = 0.0
    """Added to both ends of the log band (negative narrows it): the calibration rows' conformity
    score at the (1 - miscoverage) quantile."""
    trained_rows: int = 0

    def fit(self, frame: pd.DataFrame) -> FairPriceModel:
        frame = _validated(frame, need_price=True)
        if len(frame) < 20:
            raise ValueError(f"{len(frame)} priced listings are too few to learn a price from (at least 20)")
        rng = np.random.default_rng(self.seed)
        calibration = rng.random(len(frame)) < self.calibration_share
        log_price = np.log(frame["price"].astype(float).to_numpy())
        # The category means learn from every row (the calibration rows too: categories are small);
        # each row's own encoding is out-of-fold, so neither the trees nor the calibration see a
        # feature that already holds the row's price.
        features, offset = self.featurizer.fit_transform(frame, log_price, seed=self.seed)
        low_q, high_q = (1 - self.coverage) / 2, 1 - (1 - self.coverage) / 2
        self.models = {}
        fit = ~calibration
        with threadpool_limits(limits=TREE_THREADS, user_api="openmp"):
            self._fit_trees(features[fit], (log_price - offset)[fit], (low_q, 0.5, high_q), rows=int(fit.sum()))
        if calibration.any():
            band = self._band_of(features[calibration], offset[calibration])
            self.correction = self._conformal_correction(band, log_price[calibration])
        self.trained_rows = len(frame)
        return self

    def _fit_trees(self, features: np.ndarray, residual: np.ndarray, quantiles: Sequence[float], *, rows: int) -> None:
        """Quantiles of the residual from the category's mean log price. Early stopping on a validation
        slice keeps the trees near zero where listings' attributes say nothing about their price, so
        the model falls back to the category rather than fitting noise."""
        for quantile in quantiles:
            self.models[quantile] = HistGradientBoostingRegressor(
                loss="quantile",
                quantile=quantile,
                max_iter=self.max_iter,
                learning_rate=0.05,
                max_leaf_nodes=15,
                min_samples_leaf=max(5, min(20, rows // 20)),
                l2_regularization=1.0,
                early_stopping=rows >= 100,
                validation_fraction=0.15,
                n_iter_no_change=15,
                random_state=self.seed,
            ).fit(features, residual)

    def _log_band(self, frame: pd.DataFrame) -> np.ndarray:
        return self._band_of(*self.featurizer.transform(frame))

    def _band_of(self, features: np.ndarray, offset: np.ndarray) -> np.ndarray:
        with threadpool_limits(limits=TREE_THREADS, user_api="openmp"):
            band = np.column_stack([offset + self.models[q].predict(features) for q in sorted(self.models)])
        return np.sort(band, axis=1)  # independent quantile fits can cross; keep low <= mid <= high

    def _conformal_correction(self, band: np.ndarray, actual: np.ndarray) -> float:
        scores = np.maximum(band[:, 0] - actual, actual - band[:, 2])
        n = len(scores)
        level = min(1.0, math.ceil((n + 1) * self.coverage) / n)
        return float(np.quantile(scores, level, method="higher"))

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """low, mid, high in price units for each listing (the index of `frame` is kept)."""
        if not self.models:
            raise ValueError("the model is not fitted")
        index = frame.index
        band = self._log_band(_validated(frame, need_price=False))
        band[:, 0] -= self.correction
        band[:, 2] += self.correction
        band[:, 0] = np.minimum(band[:, 0], band[:, 1])
        band[:, 2] = np.maximum(band[:, 2], band[:, 1])
        return pd.DataFrame(np.exp(band), columns=["low", "mid", "high"], index=index)


# --- the baseline and fallback ---------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryRange:
    low: float
    """25th percentile"""
    mid: float
    """median"""
    high: float
    """75th percentile"""
    level: str
    """the category level the figures come from ("" = the whole marketplace)"""
    count: int


@dataclass
class CategoryPrices:
    """Price quartiles per category level; a listing's figures come from its deepest level with at
    least `min_count` priced listings, else the whole marketplace."""

    min_count: int = 5
    ranges: dict[str, CategoryRange] = field(default_factory=dict)

    def fit(self, categories: Sequence[str], prices: Sequence[float]) -> CategoryPrices:
        by_level: dict[str, list[float]] = {"": []}
        for path, price in zip(categories, prices, strict=True):
            price = float(price)
            if price <= 0:
                continue
            by_level[""].append(price)
            for level in category_levels(path or ""):
                by_level.setdefault(level, []).append(price)
        self.ranges = {}
        for level, values in by_level.items():
            if len(values) >= self.min_count or (level == "" and values):
                low, mid, high = np.quantile(values, [0.25, 0.5, 0.75])
                self.ranges[level] = CategoryRange(float(low), float(mid), float(high), level, len(values))
        return self

    def lookup(self, path: str) -> CategoryRange | None:
        for level in [*reversed(category_levels(path or "")), ""]:
            if level in self.ranges:
                return self.ranges[level]
        return None


# --- judging ----------------------------------------------------------------------------------------


def price_position(price: float, low: float, high: float) -> Position:
    if price < low:
        return BELOW
    if price > high:
        return ABOVE
    return WITHIN


def place_in_range(price: float, low: float, high: float) -> float:
    """Where the price sits along the range drawn on the page: 0 at low, 1 at high, clipped to -0.1..1.1."""
    if high <= low:
        return 0.5
    return float(min(1.1, max(-0.1, (price - low) / (high - low))))


@dataclass(frozen=True)
class Evaluation:
    """Holdout figures of the model and of the category-median baseline on the same rows."""

    train_rows: int
    test_rows: int
    mae: float
    mape: float
    coverage: float
    """share of holdout prices inside the model's range (target: the model's `coverage`)"""
    mean_width: float
    """mean (high - low) / mid of the model's ranges: how wide a suggestion is, relative"""
    baseline_mae: float
    baseline_mape: float
    baseline_iqr_coverage: float
    """share of holdout prices inside the category's interquartile range (the fallback; nominal 0.5)"""
    baseline_iqr_width: float

    def as_dict(self) -> dict[str, float]:
        return {key: (round(value, 4) if isinstance(value, float) else value) for key, value in asdict(self).items()}


def _predict_held(train: pd.DataFrame, held: pd.DataFrame, seed: int, model_options: dict) -> np.ndarray:
    """Columns: actual, model low / mid / high, category low / mid / high, for the held rows."""
    predicted = FairPriceModel(seed=seed, **model_options).fit(train).predict(held)
    baseline = CategoryPrices().fit(train["category"].fillna("").tolist(), train["price"].astype(float).tolist())
    ranges = [baseline.lookup(path) for path in held["category"].fillna("")]
    return np.column_stack(
        [
            held["price"].astype(float).to_numpy(),
            predicted[["low", "mid", "high"]].to_numpy(),
            [[r.low, r.mid, r.high] for r in ranges],
        ]
    )


def _evaluation(scored: np.ndarray, *, train_rows: int) -> Evaluation:
    actual, low, mid, high, base_low, base_mid, base_high = scored.T
    return Evaluation(
        train_rows=train_rows,
        test_rows=len(actual),
        mae=float(np.mean(np.abs(mid - actual))),
        mape=float(np.mean(np.abs(mid - actual) / actual)),
        coverage=float(np.mean((actual >= low) & (actual <= high))),
        mean_width=float(np.mean((high - low) / mid)),
        baseline_mae=float(np.mean(np.abs(base_mid - actual))),
        baseline_mape=float(np.mean(np.abs(base_mid - actual) / actual)),
        baseline_iqr_coverage=float(np.mean((actual >= base_low) & (actual <= base_high))),
        baseline_iqr_width=float(np.mean((base_high - base_low) / base_mid)),
    )


def evaluate_holdout(frame: pd.DataFrame, *, test_share: float = 0.2, seed: int = 0, **model_options) -> Evaluation:
    """Fit on a random (1 - test_share) of listings, score the rest against the category median."""
    frame = _validated(frame, need_price=True)
    test = np.random.default_rng(seed + 1).random(len(frame)) < test_share
    train, held = frame[~test], frame[test]
    if len(held) == 0:
        raise ValueError("the holdout is empty: too few listings")
    return _evaluation(_predict_held(train, held, seed, model_options), train_rows=len(train))


def evaluate_cross_validated(frame: pd.DataFrame, *, folds: int = 5, seed: int = 0, **model_options) -> Evaluation:
    """K-fold: every listing is held out once, by a model (and category medians) fitted on the other
    folds; the figures are pooled over all listings. On a few hundred listings one 20% holdout moves
    the MAPE ratio to the baseline by +-7% from split to split; pooling all folds steadies it."""
    frame = _validated(frame, need_price=True)
    fold_of = np.random.default_rng(seed + 1).permutation(len(frame)) % folds
    scored = [
        _predict_held(frame[fold_of != fold], frame[fold_of == fold], seed, model_options)
        for fold in range(folds)
        if (fold_of == fold).any()
    ]
    return _evaluation(np.vstack(scored), train_rows=int(round(len(frame) * (folds - 1) / folds)))
