"""Serving the fraud model: fast single-row scoring and tamper-evident artifacts.

Single-row inference is where scikit-learn hurts (see ``ml.fraud.threads``), so every
call runs with the native thread pools pinned to one thread, and the IsolationForest is the
compiled array walk of ``ml.fraud.model``, not sklearn's per-tree Python loop. The served
model is the trained object itself, so the probabilities are the trained ones by
construction; the test suite checks it anyway.

Artifacts are joblib bytes plus their SHA-256: loading refuses bytes whose checksum differs
from the one recorded at training time (a truncated upload or a swapped file must not score
payments). Pickled artifacts execute code on load, so only load bytes from the model registry.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass

import joblib
import numpy as np

from ml.fraud.explain import Reason, explain_row
from ml.fraud.model import FraudModel, combine_scores
from ml.fraud.threads import single_thread


class ModelIntegrityError(ValueError):
    """The artifact bytes do not match their recorded checksum."""


@dataclass(frozen=True)
class ModelArtifact:
    data: bytes
    sha256: str


@dataclass(frozen=True)
class FraudScore:
    score: float
    probability: float
    anomaly: float
    decision: str
    reasons: list[Reason]


class ServedFraudModel:
    """A trained :class:`FraudModel` behind single-thread native pools."""

    def __init__(self, model: FraudModel) -> None:
        if model.thresholds is None:
            raise ValueError("a fraud model needs review/decline thresholds before it can serve decisions")
        self.model = model
        # Built now, at load, not inside the first payment's model time budget (~0.1 s for 200 trees).
        model.compiled_classifier  # noqa: B018
        self._thresholds = model.thresholds
        self._columns = list(model.feature_names)

    def score_batch(self, X: np.ndarray) -> np.ndarray:
        with single_thread():
            return self.model.score(np.asarray(X, dtype=np.float64))

    def score_one(self, features: Mapping[str, float], *, explain: bool = True) -> FraudScore:
        missing = [name for name in self._columns if name not in features]
        if missing:
            raise KeyError(f"missing features: {', '.join(missing)}")
        row = np.array([[features[name] for name in self._columns]], dtype=np.float64)
        with single_thread():
            probability = float(self.model.probability(row)[0])
            anomaly = float(self.model.anomaly_level(row)[0])
            reasons = explain_row(self.model, row[0]) if explain else []
        score = float(combine_scores(probability, anomaly, self.model.anomaly_weight))
        return FraudScore(
            score=score,
            probability=probability,
            anomaly=anomaly,
            decision=self._thresholds.decision(score),
            reasons=reasons,
        )


def dump_model(model: FraudModel) -> ModelArtifact:
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    data = buffer.getvalue()
    return ModelArtifact(data=data, sha256=hashlib.sha256(data).hexdigest())


def load_model(data: bytes, sha256: str) -> FraudModel:
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise ModelIntegrityError(f"fraud model checksum mismatch: expected {sha256}, got {actual}")
    model = joblib.load(io.BytesIO(data))
    if not isinstance(model, FraudModel):
        raise ModelIntegrityError(f"artifact holds a {type(model).__name__}, not a FraudModel")
    return model
