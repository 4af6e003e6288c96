"""Sentiment of reviews, sentences and clauses: VADER, a classifier trained on rated reviews, and their blend.

Every scorer answers `Sentiment(label, score)` with `score` in [-1, 1] (negative to positive) and
the label read from the score through a neutral band, so VADER, the classifier and any blend of
them are interchangeable where the app stores or charts sentiment.

Labels for training come from star ratings: 1-2 stars negative, 3 neutral, 4-5 positive. They
are review-level; the classifier learns from whole reviews, from the sentences of clearly
positive (5-star) and clearly negative (1-2-star) reviews labelled like their review
(`inherited_sentences`), and from human-labelled sentences when a sentence corpus is given; it is
applied to sentences and clauses. bench/sentiment.py measures each choice against
sentence-level ground truth.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import Pipeline, make_union
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)
NEUTRAL_BAND = 0.05
"""VADER's published cut-off: |compound| below it is neutral."""

# Marketplace words VADER's general lexicon lacks ("slow delivery" scores 0 without them).
# Valences on VADER's -4..+4 scale, set near its entries for similar words.
DOMAIN_LEXICON: dict[str, float] = {
    "slow": -1.5, "late": -1.3, "faded": -1.3, "flimsy": -1.6, "misaligned": -1.4, "overpriced": -1.7,
    "pricey": -0.8, "expensive": -0.9, "scratched": -1.4, "smudged": -1.3, "wonky": -1.2, "refund": -0.8,
    "crisp": 1.2, "sturdy": 1.5, "fast": 1.2, "quick": 1.0, "quickly": 0.8, "speedy": 1.2,
}


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float


class SentimentScorer(Protocol):
    name: str

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]: ...


def label_for(score: float, band: float = NEUTRAL_BAND) -> str:
    return POSITIVE if score >= band else NEGATIVE if score <= -band else NEUTRAL


def rating_label(rating: int) -> str:
    """The sentiment a star rating stands for: 1-2 negative, 3 neutral, 4-5 positive."""
    return NEGATIVE if rating <= 2 else NEUTRAL if rating == 3 else POSITIVE


def inherited_sentences(texts: Sequence[str], ratings: Sequence[int]) -> tuple[list[str], list[str]]:
    """Sentence-level training examples from review-level stars: the sentences of 5-star reviews as
    positive and of 1-2-star reviews as negative (3- and 4-star reviews mix praise and gripes, so
    their sentences are skipped).

    A classifier trained on whole reviews only learns which words co-occur with the stars in long
    texts; short closing sentences ("Will be ordering again.") then land on the wrong side.
    """
    from ml.text.tokens import sentences

    examples, labels = [], []
    for text, rating in zip(texts, ratings, strict=True):
        if rating == 5 or rating <= 2:
            for span in sentences(text):
                examples.append(span.text)
                labels.append(rating_label(rating))
    return examples, labels


def weighted_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """F1 per class weighted by the class's support: the figure published for VADER (0.61)."""
    return float(f1_score(list(truth), list(predicted), labels=list(LABELS), average="weighted", zero_division=0))


class VaderScorer:
    """VADER's compound score, with the marketplace words of DOMAIN_LEXICON added (unless `domain=False`)."""

    def __init__(self, *, domain: bool = True) -> None:
        self.domain = domain
        self.name = "vader+domain" if domain else "vader"
        self._analyzer = SentimentIntensityAnalyzer()
        if domain:
            self._analyzer.lexicon.update(DOMAIN_LEXICON)

    @property
    def lexicon_words(self) -> frozenset[str]:
        """Every word VADER scores: opinion words, never aspects or topic terms."""
        return frozenset(self._analyzer.lexicon)

    def compound(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self._analyzer.polarity_scores(text)["compound"] for text in texts], dtype=float)

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]:
        return [Sentiment(label_for(score), round(float(score), 4)) for score in self.compound(texts)]


def classifier_pipeline(*, C: float = 4.0) -> Pipeline:
    """TF-IDF of word 1-2-grams and character 2-5-grams into a class-balanced logistic regression.

    Character n-grams carry misspellings and inflections ("delivry", "arrived"/"arriving") that
    word n-grams split apart; balancing stops the 4-5-star majority swamping the rare negatives.
    """
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
    )
    return Pipeline([("features", features), ("model", LogisticRegression(C=C, max_iter=2000, class_weight="balanced"))])


def classifier_scores(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """P(positive) - P(negative) per text: a [-1, 1] score comparable with VADER's compound."""
    probabilities = pipeline.predict_proba(list(texts))
    classes = list(pipeline.classes_)
    positive = probabilities[:, classes.index(POSITIVE)] if POSITIVE in classes else 0.0
    negative = probabilities[:, classes.index(NEGATIVE)] if NEGATIVE in classes else 0.0
    return np.asarray(positive - negative, dtype=float)


@dataclass(frozen=True)
class BlendChoice:
    classifier_weight: float
    band: float
    f1_by_set: tuple[float, ...]

    @property
    def f1(self) -> float:
        return float(np.mean(self.f1_by_set))


@dataclass(frozen=True)
class ScoredSet:
    """A validation set scored both ways, so blends are compared without re-scoring."""

    classifier: np.ndarray
    vader: np.ndarray
    labels: tuple[str, ...]


BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
BLEND_BANDS = (0.05, 0.15, 0.25, 0.35)


def choose_blend(sets: Sequence[ScoredSet]) -> BlendChoice:
    """The classifier weight and neutral band with the best mean weighted F1 over `sets`.

    Averaging over sets (marketplace reviews, and product-review sentences when given) keeps a
    blend that is perfect on one domain and poor on the other from winning.
    """
    best: BlendChoice | None = None
    for weight in BLEND_WEIGHTS:
        for band in BLEND_BANDS:
            scores = tuple(
                weighted_f1(s.labels, [label_for(v, band) for v in weight * s.classifier + (1 - weight) * s.vader])
                for s in sets
            )
            choice = BlendChoice(weight, band, scores)
            if best is None or choice.f1 > best.f1 + 1e-9:
                best = choice
    assert best is not None
    return best


class BlendedScorer:
    """The trained classifier blended with VADER: what the registry stores as the "sentiment" model."""

    def __init__(self, pipeline: Pipeline, *, classifier_weight: float, band: float) -> None:
        self.pipeline = pipeline
        self.classifier_weight = classifier_weight
        self.band = band
        self.name = f"classifier x{classifier_weight:g} + vader"
        self._vader: VaderScorer | None = None

    def __getstate__(self) -> dict:
        # VADER reloads its lexicon from the installed package; the artifact keeps only what was trained.
        return {key: value for key, value in self.__dict__.items() if key != "_vader"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._vader = None

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        if self._vader is None:
            self._vader = VaderScorer()
        classifier = classifier_scores(self.pipeline, texts) if self.classifier_weight else 0.0
        vader = self._vader.compound(texts) if self.classifier_weight < 1 else 0.0
        return self.classifier_weight * classifier + (1 - self.classifier_weight) * vader

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]:
        return [Sentiment(label_for(score, self.band), round(float(score), 4)) for score in self.scores(texts)]
