"""Training the fraud scorer on a time-ordered history, and the scorer itself.

The history is cut by time, never at random (a random split would let the model learn a
compromised merchant from its own future):

    warm-up | train | gap (label delay) | calibration | thresholds

* warm-up: the first days, whose features lack history (7-day velocity, merchant risk), only
  serve as history; no row of it is trained on;
* train: the gradient-boosted trees (HistGradientBoostingClassifier, ``class_weight=
  "balanced"`` because fraud is ~1% of rows) and the IsolationForest are fitted here;
* gap: as long as the label delay, because at deployment the newest labels the model can have
  seen are that old; rows of the gap are used by no fold;
* calibration: balanced class weights inflate probabilities, so an isotonic regression maps
  the trees' output to observed fraud frequencies on this later window;
* thresholds: review/decline cut-offs are chosen and all reported metrics are measured here,
  on rows neither the trees nor the calibration saw.

Final score in [0, 1]: ``p + (1 - p) * w * a`` where ``p`` is the calibrated probability and
``a`` in [0, 1] is how far the IsolationForest anomaly score lies into the top 1% tail of the
training rows (0 below the 99th percentile, 1 at the training maximum and beyond), ``w`` =
``ANOMALY_WEIGHT``. It equals ``p`` for ordinary payments and can only raise a payment that is
unlike anything seen in training, a pattern labels cannot yet teach; the weight is a policy,
not learned, because labels cannot value patterns they do not contain. The thresholds are
chosen on this final score, so their precision/recall account for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
from sklearn.isotonic import IsotonicRegression

from ml.evaluation import card_precision_top_k, precision_recall_at, ranking_metrics
from ml.fraud.compiled_boosting import COMPILED_MAX_ROWS, CompiledBoosting
from ml.fraud.features import FEATURE_NAMES
from ml.fraud.thresholds import ThresholdChoice, choose_thresholds
from ml.fraud.velocity import DEFAULT_LABEL_DELAY_DAYS

ANOMALY_WEIGHT = 0.5
ANOMALY_TAIL_QUANTILE = 0.99
CARD_PRECISION_K = 100


@dataclass(frozen=True)
class TimeSplit:
    """Boundaries of the folds (UTC); each fold is [start, end)."""

    train: tuple[pd.Timestamp, pd.Timestamp]
    calibration: tuple[pd.Timestamp, pd.Timestamp]
    thresholds: tuple[pd.Timestamp, pd.Timestamp]

    def masks(self, timestamps: pd.Series) -> dict[str, np.ndarray]:
        ts = pd.to_datetime(timestamps, utc=True)
        return {name: ((ts >= start) & (ts < end)).to_numpy() for name, (start, end) in self._folds().items()}

    def _folds(self) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
        return {"train": self.train, "calibration": self.calibration, "thresholds": self.thresholds}

    def as_dict(self) -> dict[str, list[str]]:
        return {name: [start.isoformat(), end.isoformat()] for name, (start, end) in self._folds().items()}


def time_split(
    timestamps: pd.Series,
    *,
    warmup_days: float = 7,
    gap_days: float = DEFAULT_LABEL_DELAY_DAYS,
    train_share: float = 0.6,
    calibration_share: float = 0.2,
) -> TimeSplit:
    """Cut [first, last] into warm-up | train | gap | calibration | thresholds by the given shares of usable time."""
    ts = pd.to_datetime(timestamps, utc=True)
    first, last = ts.min(), ts.max() + pd.Timedelta(microseconds=1)
    warmup, gap = pd.Timedelta(days=warmup_days), pd.Timedelta(days=gap_days)
    usable = last - first - warmup - gap
    if usable <= pd.Timedelta(0):
        raise ValueError(f"the history spans {last - first}, shorter than warm-up plus gap ({warmup + gap})")
    train_end = first + warmup + usable * train_share
    calibration_start = train_end + gap
    calibration_end = calibration_start + usable * calibration_share
    return TimeSplit(
        train=(first + warmup, train_end),
        calibration=(calibration_start, calibration_end),
        thresholds=(calibration_end, last),
    )


@dataclass
class FraudModel:
    """The scorer: trees + isotonic calibration + anomaly tail, over FEATURE_NAMES in that order."""

    classifier: HistGradientBoostingClassifier
    calibrator: IsotonicRegression
    anomaly: CompiledIsolationForest
    anomaly_tail: tuple[float, float]
    feature_names: tuple[str, ...]
    baseline: np.ndarray
    """Training medians: what a feature is replaced with to see how much it moved the score."""
    typical: np.ndarray
    """Mean of each feature over genuine training payments, shown as "usual" in explanations."""
    thresholds: ThresholdChoice | None = None
    anomaly_weight: float = ANOMALY_WEIGHT

    def raw_probability(self, X: np.ndarray) -> np.ndarray:
        if len(X) <= COMPILED_MAX_ROWS:
            return self.compiled_classifier.probability(X)
        return self.classifier.predict_proba(X)[:, 1]

    @cached_property
    def compiled_classifier(self) -> CompiledBoosting:
        """The trees in the form single payments are scored with (built on first use, so older artifacts get it too;
        serving builds it when the model loads, `ml.fraud.serving.ServedFraudModel`)."""
        return CompiledBoosting(self.classifier)

    def probability(self, X: np.ndarray) -> np.ndarray:
        return self.calibrator.predict(self.raw_probability(X))

    def anomaly_level(self, X: np.ndarray) -> np.ndarray:
        low, high = self.anomaly_tail
        raw = -self.anomaly.score_samples(X)
        return np.clip((raw - low) / max(high - low, 1e-12), 0.0, 1.0)

    def score(self, X: np.ndarray) -> np.ndarray:
        return combine_scores(self.probability(X), self.anomaly_level(X), self.anomaly_weight)


def combine_scores(probability: np.ndarray, anomaly_level: np.ndarray, weight: float = ANOMALY_WEIGHT) -> np.ndarray:
    return probability + (1.0 - probability) * weight * anomaly_level


@dataclass
class TrainResult:
    model: FraudModel
    metrics: dict[str, float]
    thresholds: ThresholdChoice
    feature_names: tuple[str, ...]
    split: TimeSplit
    rows: dict[str, int]
    train_seconds: float
    per_day_card_precision: pd.Series = field(repr=False, default_factory=pd.Series)


def train_fraud_model(
    features: pd.DataFrame,
    transactions: pd.DataFrame,
    *,
    split: TimeSplit | None = None,
    decline_precision: float | None = None,
    review_recall: float | None = None,
    random_state: int = 0,
) -> TrainResult:
    """Fit, calibrate and threshold on ``features`` (from ``features_for_history``) of ``transactions``.

    ``transactions`` supplies ``timestamp``, ``is_fraud`` and ``card_id`` row for row; rows
    without a label are left out of every fold.
    """
    started = time.perf_counter()
    split = split or time_split(transactions["timestamp"])
    labelled = transactions["is_fraud"].notna().to_numpy()
    folds = {name: mask & labelled for name, mask in split.masks(transactions["timestamp"]).items()}
    X = features[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    y = transactions["is_fraud"].fillna(False).astype(bool).to_numpy()
    x_train, y_train = X[folds["train"]], y[folds["train"]]
    if not y_train.any() or not y[folds["calibration"]].any():
        raise ValueError("the train and calibration windows both need fraud labels")

    classifier = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.1,
        max_leaf_nodes=31,
        l2_regularization=1.0,
        class_weight="balanced",
        early_stopping=False,
        random_state=random_state,
    ).fit(x_train, y_train)
    # IsolationForest cannot take NaN; "no history" becomes the column's training median.
    baseline = np.nanmedian(x_train, axis=0)
    anomaly = IsolationForest(n_estimators=100, random_state=random_state).fit(_fill(x_train, baseline))
    train_anomaly = -anomaly.score_samples(_fill(x_train, baseline))
    calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
        classifier.predict_proba(X[folds["calibration"]])[:, 1], y[folds["calibration"]]
    )
    model = FraudModel(
        classifier=classifier,
        calibrator=calibrator,
        anomaly=CompiledIsolationForest(anomaly, baseline),
        anomaly_tail=(float(np.quantile(train_anomaly, ANOMALY_TAIL_QUANTILE)), float(train_anomaly.max())),
        feature_names=tuple(FEATURE_NAMES),
        baseline=baseline,
        typical=np.nanmean(x_train[~y_train], axis=0),
    )
    scores = model.score(X[folds["thresholds"]])
    y_hold = y[folds["thresholds"]]
    targets = {k: v for k, v in (("decline_precision", decline_precision), ("review_recall", review_recall)) if v}
    model.thresholds = choose_thresholds(y_hold, scores, **targets)
    held = transactions.loc[folds["thresholds"], ["timestamp", "card_id"]].assign(score=scores, is_fraud=y_hold)
    card_precision, per_day = card_precision_top_k(
        held.assign(day=pd.to_datetime(held["timestamp"], utc=True).dt.floor("D")), k=CARD_PRECISION_K
    )
    metrics = {
        **ranking_metrics(y_hold, scores),
        f"card_precision_top_{CARD_PRECISION_K}": card_precision,
        "fraud_rate": float(y_hold.mean()),
        **{f"decline_{k}": v for k, v in _at(y_hold, scores, model.thresholds.decline).items()},
        **{f"review_{k}": v for k, v in _at(y_hold, scores, model.thresholds.review).items()},
    }
    return TrainResult(
        model=model,
        metrics=metrics,
        thresholds=model.thresholds,
        feature_names=tuple(FEATURE_NAMES),
        split=split,
        rows={name: int(mask.sum()) for name, mask in folds.items()},
        train_seconds=time.perf_counter() - started,
        per_day_card_precision=per_day,
    )


class CompiledIsolationForest:
    """A fitted IsolationForest flattened into arrays and walked for all trees at once.

    scikit-learn scores tree by tree in Python (~5 ms for one row with 100 trees); walking the
    padded node arrays level by level costs a handful of numpy calls whatever the tree count,
    with the same arithmetic: X is compared in float32 like sklearn's trees, and a row's path
    length in a tree is its leaf depth plus the average path length c(n) of the leaf's samples.
    NaN ("no history") is read as the training median, as at fit time.
    """

    def __init__(self, forest: IsolationForest, fill: np.ndarray) -> None:
        if forest.max_features != 1.0 or forest.bootstrap:
            raise ValueError("only forests over all features without bootstrap can be compiled")
        trees = [estimator.tree_ for estimator in forest.estimators_]
        width = max(tree.node_count for tree in trees)
        self.fill = fill
        self.left = np.full((len(trees), width), -1, dtype=np.int64)
        self.right = np.full((len(trees), width), -1, dtype=np.int64)
        self.feature = np.zeros((len(trees), width), dtype=np.int64)
        self.threshold = np.zeros((len(trees), width))
        self.path = np.zeros((len(trees), width))
        for t, tree in enumerate(trees):
            n = tree.node_count
            self.left[t, :n], self.right[t, :n] = tree.children_left, tree.children_right
            self.feature[t, :n] = np.maximum(tree.feature, 0)
            self.threshold[t, :n] = tree.threshold
            self.path[t, :n] = _node_depths(tree.children_left, tree.children_right) + average_path_length(tree.n_node_samples)
        self.depth = int(max(estimator.get_depth() for estimator in forest.estimators_))
        self.denominator = len(trees) * float(average_path_length(np.array([forest.max_samples_]))[0])

    def score_samples(self, X: np.ndarray) -> np.ndarray:
        """Same values as ``IsolationForest.score_samples`` (higher = more normal)."""
        values = _fill(X, self.fill).astype(np.float32).astype(np.float64)
        rows = np.arange(len(values))[:, None]
        trees = np.arange(self.left.shape[0])[None, :]
        node = np.zeros((len(values), self.left.shape[0]), dtype=np.int64)
        for _ in range(self.depth):
            go_left = values[rows, self.feature[trees, node]] <= self.threshold[trees, node]
            child = np.where(go_left, self.left[trees, node], self.right[trees, node])
            node = np.where(child >= 0, child, node)
        return -(2.0 ** (-self.path[trees, node].sum(axis=1) / self.denominator))


def average_path_length(n_samples: np.ndarray) -> np.ndarray:
    """c(n): the average depth of an unsuccessful search in a binary search tree of n points."""
    n = np.asarray(n_samples, dtype=np.float64)
    safe = np.maximum(n, 3.0)
    general = 2.0 * (np.log(safe - 1.0) + np.euler_gamma) - 2.0 * (safe - 1.0) / safe
    return np.where(n <= 1, 0.0, np.where(n == 2, 1.0, general))


def _node_depths(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    depth = np.zeros(len(left))
    for node in range(len(left)):  # parents precede their children in sklearn's node order
        for child in (left[node], right[node]):
            if child >= 0:
                depth[child] = depth[node] + 1
    return depth


def _fill(X: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(X), values, X)


def _at(y: np.ndarray, scores: np.ndarray, threshold: float | None) -> dict[str, float]:
    if threshold is None:
        return {"threshold": float("nan"), "precision": float("nan"), "recall": 0.0, "flagged_rate": 0.0}
    result = precision_recall_at(y, scores, threshold)
    result.pop("flagged")
    return result
