"""Intent classification: a TF-IDF (word and character n-gram) logistic regression, and keyword
rules that serve when no trained model is available.

Both answer with an `IntentPrediction` holding the ranked probabilities; `IntentPolicy` then
decides whether the top intent is trustworthy (confidence over a threshold and a margin over
the runner-up). An untrusted prediction makes the dialogue ask a clarifying question instead of
answering confidently and wrongly.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from ml.chat.examples import INTENTS, OUT_OF_SCOPE, Examples


@dataclass(frozen=True)
class IntentPrediction:
    ranked: list[tuple[str, float]]
    """(intent, probability), most probable first."""
    source: str = "model"

    @property
    def intent(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    @property
    def margin(self) -> float:
        return self.ranked[0][1] - (self.ranked[1][1] if len(self.ranked) > 1 else 0.0)


@dataclass(frozen=True)
class IntentPolicy:
    """When a prediction is trusted. Tuned on the held-out split (bench/chat_nlu.py prints the effect)."""

    threshold: float = 0.35
    margin: float = 0.08

    def accepted(self, prediction: IntentPrediction) -> str | None:
        """The intent to act on, or None: out of scope, unsure, or torn between two intents."""
        if prediction.intent == OUT_OF_SCOPE:
            return None
        if prediction.confidence < self.threshold or prediction.margin < self.margin:
            return None
        return prediction.intent


def normalise(text: str) -> str:
    """Lower case; order numbers and emails become placeholders so their digits don't steer the intent."""
    text = text.lower()
    text = re.sub(r"\S+@\S+\.\S+", " emailaddr ", text)
    text = re.sub(r"\bord\s*[-#]?\s*\d+", " ordernum ", text)
    return re.sub(r"\d+", " 0 ", text)


@dataclass
class IntentClassifier:
    """The fitted pipeline and the intents it knows; pickled into the model registry.

    Serving skips the pipeline's per-call machinery (validation, joblib dispatch): it runs each
    vectorizer's analyzer, looks the n-grams up, applies the fitted IDF weights and the
    logistic regression's coefficients itself. The result equals `pipeline.predict_proba`
    (tests/ml/test_chat_intents.py checks it) at a fraction of the cost per message.
    """

    pipeline: Pipeline
    classes: list[str]
    metrics: dict = field(default_factory=dict)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_fast", None)  # rebuilt on first use after loading
        return state

    def _compiled(self):
        fast = self.__dict__.get("_fast")
        if fast is None:
            union = self.pipeline.named_steps["features"]
            model = self.pipeline.named_steps["model"]
            blocks, offset = [], 0
            for _, vectorizer in union.transformer_list:
                blocks.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
                offset += len(vectorizer.vocabulary_)
            fast = self.__dict__["_fast"] = (blocks, np.ascontiguousarray(model.coef_.T), model.intercept_)
        return fast

    def _probabilities(self, text: str) -> np.ndarray:
        blocks, coef, intercept = self._compiled()
        scores = intercept.copy()
        for analyze, vocabulary, idf, offset in blocks:
            counts: dict[int, int] = {}
            for gram in analyze(text):
                column = vocabulary.get(gram)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[columns]
            weights /= np.sqrt(weights @ weights)
            scores += weights @ coef[columns + offset]
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def predict(self, text: str) -> IntentPrediction:
        probabilities = self._probabilities(normalise(text))
        ranks = np.argsort(-probabilities)[:4]
        return IntentPrediction([(self.classes[i], float(probabilities[i])) for i in ranks])

    def predict_many(self, texts: list[str]) -> list[IntentPrediction]:
        return [self.predict(t) for t in texts]


def train_intent_classifier(examples: Examples, *, c: float = 8.0) -> IntentClassifier:
    """Word 1-2 grams catch phrasing ("where is my"), character 2-5 grams catch typos ("wheres", "retrun")."""
    started = time.perf_counter()
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
        ]
    )
    pipeline = Pipeline([("features", features), ("model", LogisticRegression(C=c, max_iter=2000))])
    pipeline.fit([normalise(t) for t in examples.texts], examples.labels)
    classes = [str(c) for c in pipeline.classes_]
    return IntentClassifier(pipeline, classes, {"train_seconds": time.perf_counter() - started, "train_rows": len(examples)})


# Keyword rules: the fallback when the registry has no model. Each keyword found adds its weight.
KEYWORDS: dict[str, dict[str, float]] = {
    "greeting": {"hello": 1, "hi": 1, "hey": 1, "good morning": 1, "good evening": 1},
    "goodbye": {"bye": 1, "goodbye": 1, "thanks": 0.6, "thank you": 0.6, "that's all": 1},
    "order_status": {"where is my order": 2, "where's my order": 2, "track": 1, "status": 1, "arrive": 1,
                     "delivered": 0.6, "shipped": 1, "dispatched": 1, "ordernum": 1.5, "my order": 0.8},
    "shipping_info": {"shipping": 1.2, "ship to": 1.2, "delivery time": 1, "postage": 1, "courier": 1, "free delivery": 1},
    "returns_refunds": {"return": 1.5, "refund": 1.5, "exchange": 1, "money back": 1.5, "send it back": 1.5},
    "product_info": {"made of": 1.5, "material": 1.5, "price": 1, "cost": 0.8, "colour": 1, "color": 1,
                     "size": 0.8, "in stock": 1.5, "dishwasher": 1.5},
    "customization_help": {"personalise": 1.5, "personalize": 1.5, "customise": 1.5, "customize": 1.5, "engrave": 1.5,
                           "engraving": 1.2, "upload": 1.2, "my design": 1.2, "font": 1, "photo": 0.8},
    "complaint": {"broken": 1.5, "damaged": 1.5, "wrong": 1.2, "disappointed": 1.5, "terrible": 1.5,
                  "unacceptable": 1.5, "complaint": 1.5, "awful": 1.2},
    "faq": {"cancel": 1, "change my order": 1.5, "modify": 1.2, "payment": 1, "discount": 1, "gift wrap": 1.2,
            "password": 1.2, "account": 0.8},
    "escalate_to_human": {"human": 2, "agent": 2, "real person": 2, "representative": 2, "speak to": 1.2,
                          "talk to": 1, "someone": 0.8},
}


class KeywordIntentRules:
    """The seed's keyword intents, scored so the policy can still refuse a weak or tied match."""

    source = "rules"
    classes = list(INTENTS)

    def predict(self, text: str) -> IntentPrediction:
        lowered = f" {normalise(text)} "
        scores = {intent: 0.0 for intent in INTENTS}
        for intent, words in KEYWORDS.items():
            for word, weight in words.items():
                if re.search(rf"\b{re.escape(word)}\b", lowered):
                    scores[intent] += weight
        best = max(scores.values())
        if best == 0:
            return IntentPrediction([(OUT_OF_SCOPE, 1.0)], source=self.source)
        # A saturating confidence: one strong keyword reaches ~0.6, two ~0.84.
        total = sum(scores.values())
        ranked = sorted(((i, (s / total) * (1 - np.exp(-best))) for i, s in scores.items() if s), key=lambda p: -p[1])
        return IntentPrediction([(i, float(p)) for i, p in ranked], source=self.source)

    def predict_many(self, texts: list[str]) -> list[IntentPrediction]:
        return [self.predict(t) for t in texts]
