"""Learnt tagging: a category classifier and one-vs-rest tag classifiers per family.

Both read TF-IDF features of the product text (word unigrams and bigrams, plus character
n-grams inside word boundaries so "personalized"/"personalised" and unseen compound titles
share evidence). Labels come from the catalog itself (each product's category, the
materials/colours/occasions in its attributes, its tags) and from merchants' decisions on
earlier suggestions: an accepted suggestion is a positive label, a rejected one a negative
label that overrides whatever the catalog data said, and both weigh DECISION_WEIGHT times an
ordinary catalog label because a person checked them.

A tag value is learnt only when it has at least MIN_POSITIVES positive and one negative
example; rarer values are left to vocabulary matching.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ml.tagging.vocabulary import VOCABULARY_FAMILIES, Suggestion

MIN_POSITIVES = 5
DECISION_WEIGHT = 3.0
CATEGORY_TOP = 3
CATEGORY_MIN_PROBABILITY = 0.15
TAG_MIN_PROBABILITY = 0.5
TAG_C = 10.0


@dataclass
class LabelledProduct:
    """One training row. `decided_*`: family -> values a person accepted / rejected."""

    title: str
    description: str = ""
    category: str | None = None
    tags: dict[str, set[str]] = field(default_factory=dict)
    accepted: dict[str, set[str]] = field(default_factory=dict)
    rejected: dict[str, set[str]] = field(default_factory=dict)
    category_rejected: set[str] = field(default_factory=set)

    def labels(self, family: str) -> set[str]:
        return (self.tags.get(family, set()) | self.accepted.get(family, set())) - self.rejected.get(family, set())

    def category_label(self) -> str | None:
        accepted = self.accepted.get("category", set())
        if accepted:
            return sorted(accepted)[0]
        return None if self.category in self.category_rejected else self.category


def product_text(title: str, description: str = "", category: str | None = None) -> str:
    """The text every classifier reads: the category path (when known) is part of it."""
    return " . ".join(part for part in (title, title, description, (category or "").replace(">", " ")) if part)


class _Features:
    """Word and character TF-IDF, fitted once on the training texts and shared by every classifier."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, max_features=20_000)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_features=30_000)

    def fit_transform(self, texts: Sequence[str]):
        return hstack([self.words.fit_transform(texts), self.chars.fit_transform(texts)]).tocsr()

    def transform(self, texts: Sequence[str]):
        return hstack([self.words.transform(texts), self.chars.transform(texts)]).tocsr()


@dataclass(frozen=True)
class FamilyClassifiers:
    """One-vs-rest logistic regressions of a family, stacked: one sparse product scores every value.

    L1-regularised, so each value keeps only the few n-grams that signal it and the stacked
    coefficients stay small in memory and in the registry.
    """

    values: list[str]
    coef: csr_matrix  # (values, features)
    intercept: np.ndarray  # (values,)

    def probabilities(self, features) -> np.ndarray:
        logits = np.asarray((features @ self.coef.T).todense()) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))


@dataclass
class TaggingModel:
    """Fitted classifiers; `predict` turns one product's text into scored suggestions."""

    category_features: _Features
    category_classifier: LogisticRegression | None
    tag_features: _Features
    tag_classifiers: dict[str, FamilyClassifiers]
    trained_rows: int

    @property
    def categories(self) -> list[str]:
        return [] if self.category_classifier is None else [str(c) for c in self.category_classifier.classes_]

    @property
    def learnt_values(self) -> dict[str, list[str]]:
        return {family: sorted(classifiers.values) for family, classifiers in self.tag_classifiers.items()}

    def predict_categories(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities per category (columns in `categories` order), one row per text."""
        if self.category_classifier is None:
            return np.zeros((len(texts), 0))
        return self.category_classifier.predict_proba(self.category_features.transform(texts))

    def predict(self, *, title: str, description: str = "", category: str | None = None) -> list[Suggestion]:
        text = product_text(title, description)
        suggestions: list[Suggestion] = []
        probabilities = self.predict_categories([text])
        if probabilities.shape[1]:
            order = np.argsort(-probabilities[0])[:CATEGORY_TOP]
            suggestions.extend(
                Suggestion("category", self.categories[i], round(float(probabilities[0, i]), 3), "model")
                for i in order
                if probabilities[0, i] >= CATEGORY_MIN_PROBABILITY
            )
        known = category or (suggestions[0].value if suggestions else None)
        features = self.tag_features.transform([product_text(title, description, known)])
        for family, classifiers in self.tag_classifiers.items():
            for value, probability in zip(classifiers.values, classifiers.probabilities(features)[0], strict=True):
                if probability >= TAG_MIN_PROBABILITY:
                    suggestions.append(Suggestion(family, value, round(float(probability), 3), "model"))
        return suggestions


def _tag_classifier(features, positive: np.ndarray, weights: np.ndarray) -> LogisticRegression:
    classifier = LogisticRegression(C=TAG_C, solver="liblinear", l1_ratio=1.0)
    classifier.fit(features, positive.astype(int), sample_weight=weights)
    return classifier


def train_tagging_model(products: Sequence[LabelledProduct], *, families: tuple[str, ...] = VOCABULARY_FAMILIES) -> TaggingModel:
    """Fit the category classifier (when the rows name two categories or more) and every learnable tag value."""
    rows = list(products)
    category_features = _Features()
    labelled = [(product_text(p.title, p.description), p.category_label()) for p in rows]
    labelled = [(text, label) for text, label in labelled if label]
    category_classifier = None
    if len({label for _, label in labelled}) >= 2:
        features = category_features.fit_transform([text for text, _ in labelled])
        weights = np.array([DECISION_WEIGHT if p.accepted.get("category") else 1.0 for p in rows if p.category_label()])
        category_classifier = LogisticRegression(C=8.0, max_iter=2000)
        category_classifier.fit(features, [label for _, label in labelled], sample_weight=weights)

    tag_features = _Features()
    texts = [product_text(p.title, p.description, p.category_label()) for p in rows]
    matrix = tag_features.fit_transform(texts) if rows else None
    tag_classifiers: dict[str, FamilyClassifiers] = {}
    for family in families:
        fitted: dict[str, LogisticRegression] = {}
        label_sets = [p.labels(family) for p in rows]
        values = sorted(set().union(*label_sets)) if label_sets else []
        for value in values:
            positive = np.array([value in labels for labels in label_sets])
            if positive.sum() < MIN_POSITIVES or positive.all():
                continue
            decided = np.array(
                [value in p.accepted.get(family, set()) or value in p.rejected.get(family, set()) for p in rows]
            )
            weights = np.where(decided, DECISION_WEIGHT, 1.0)
            fitted[value] = _tag_classifier(matrix, positive, weights)
        if fitted:
            tag_classifiers[family] = FamilyClassifiers(
                values=list(fitted),
                coef=csr_matrix(np.vstack([classifier.coef_[0] for classifier in fitted.values()])),
                intercept=np.array([classifier.intercept_[0] for classifier in fitted.values()]),
            )
    return TaggingModel(category_features, category_classifier, tag_features, tag_classifiers, len(rows))
