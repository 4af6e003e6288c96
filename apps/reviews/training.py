"""Training the review sentiment model: a TF-IDF classifier on the marketplace's rated reviews, blended with VADER.

Labels are star ratings (1-2 negative, 3 neutral, 4-5 positive); the sentences of 5-star and 1-2-star
reviews are added with their review's label, so short sentences are learnt as well as whole reviews
(ml.text.sentiment.inherited_sentences). When the Hu and Liu product-review
sentences are on disk (settings.REVIEWS_SENTENCE_CORPUS: the vaderSentiment sdist that
bench/sentiment.py fetches with pip), they are trained on too: they bring human sentence-level
labels and the wording of real reviews, which simulated or single-shop reviews lack.

The classifier weight in the VADER blend and the neutral band are chosen on held-out rows (a
random fifth of the reviews, a fifth of the corpus's source reviews) by the mean weighted F1
over those sets, so a model perfect on one shop's phrasing but poor on other wording loses.
Promotion (apps.mlops.gates, "sentiment"): the candidate must beat VADER alone and the production
model re-scored on the same held-out rows; without a production model --promote is still needed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from apps.mlops.gates import ProductionFigure, gate_decide
from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome, TrainingRefused
from apps.mlops.selectors import production_model, production_version
from apps.mlops.services import ModelCard, model_register
from apps.mlops.validation import window_validate
from apps.reviews.models import Review
from apps.reviews.scoring import SENTIMENT_MODEL_NAME
from ml.text.corpus import hu_liu_sentences
from ml.text.sentiment import (
    LABELS,
    BlendedScorer,
    ScoredSet,
    VaderScorer,
    choose_blend,
    classifier_pipeline,
    classifier_scores,
    inherited_sentences,
    label_for,
    rating_label,
    weighted_f1,
)
from ml.validation import DataSpec

MIN_REVIEWS = 50
"""Fewer rated reviews with text than this say too little about the marketplace's wording."""
MIN_PER_LABEL = 10
"""Each of negative, neutral and positive needs this many training examples (reviews plus corpus)."""
VALIDATION_SHARE = 0.2
WINDOW = DataSpec(what="rated reviews", required=("text", "rating", "label"), ranges={"rating": (1, 5)})


def reviews_frame(options: TrainingOptions) -> pd.DataFrame:
    reviews = Review.objects.exclude(text="")
    if options.since:
        reviews = reviews.filter(created_at__gte=options.since)
    if options.until:
        reviews = reviews.filter(created_at__lt=options.until)
    frame = pd.DataFrame(list(reviews.values("title", "text", "rating", "created_at")))
    if frame.empty:
        return pd.DataFrame(columns=["text", "label", "rating", "created_at"])
    from apps.reviews.analysis_service import review_text

    frame["text"] = [review_text(Review(title=t, text=x)) for t, x in zip(frame["title"], frame["text"], strict=True)]
    frame["label"] = [rating_label(int(r)) for r in frame["rating"]]
    return frame[["text", "label", "rating", "created_at"]]


def with_inherited_sentences(reviews: pd.DataFrame) -> pd.DataFrame:
    """`reviews` plus the sentences of their 5-star and 1-2-star reviews, labelled like the review."""
    texts, labels = inherited_sentences(reviews["text"].tolist(), [int(r) for r in reviews["rating"]])
    return pd.concat([reviews[["text", "label"]], pd.DataFrame({"text": texts, "label": labels})], ignore_index=True)


def sentence_corpus() -> pd.DataFrame | None:
    path = Path(getattr(settings, "REVIEWS_SENTENCE_CORPUS", ""))
    return hu_liu_sentences(path) if path.is_file() else None


def data_check(reviews: pd.DataFrame, corpus: pd.DataFrame | None) -> None:
    if len(reviews) < MIN_REVIEWS:
        raise TrainingRefused(
            f"not enough data: {len(reviews):,} rated reviews with text, at least {MIN_REVIEWS} are needed "
            "(import reviews with `manage.py import_data reviews FILE.csv`)"
        )
    labels = pd.concat([reviews["label"], corpus["label"] if corpus is not None else pd.Series(dtype=str)])
    counts = labels.value_counts()
    short = [label for label in LABELS if counts.get(label, 0) < MIN_PER_LABEL]
    if short:
        raise TrainingRefused(
            f"not enough data: fewer than {MIN_PER_LABEL} {' and '.join(short)} examples "
            f"({', '.join(f'{label} {counts.get(label, 0)}' for label in LABELS)}); import more reviews, "
            "or put the Hu and Liu sentences on disk (`python bench/sentiment.py` fetches them)"
        )


def _split_reviews(reviews: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    stratify = reviews["label"] if reviews["label"].value_counts().min() >= 2 else None
    return train_test_split(reviews, test_size=VALIDATION_SHARE, random_state=0, stratify=stratify)


def _split_corpus(corpus: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    splitter = GroupShuffleSplit(n_splits=1, test_size=VALIDATION_SHARE, random_state=0)
    train, held = next(splitter.split(corpus, groups=corpus["review"]))
    return corpus.iloc[train], corpus.iloc[held]


def sentiment_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    """Load, check, fit, choose the blend on held-out rows, register, promote if it beats production."""
    report(0.02, "loading rated reviews")
    reviews = reviews_frame(options)
    corpus = sentence_corpus()
    data_check(reviews, corpus)
    window_validate(reviews, WINDOW)
    parts = [_split_reviews(reviews)] + ([_split_corpus(corpus)] if corpus is not None else [])
    train = pd.concat([with_inherited_sentences(parts[0][0]), *[train for train, _ in parts[1:]]])
    report(0.15, f"fitting TF-IDF + logistic regression on {len(train):,} texts")
    pipeline = classifier_pipeline().fit(train["text"].tolist(), train["label"].tolist())
    report(0.5, "choosing the VADER blend on held-out rows")
    vader = VaderScorer()
    held_sets = [held for _, held in parts]
    sets = [
        ScoredSet(classifier_scores(pipeline, held["text"].tolist()), vader.compound(held["text"].tolist()),
                  tuple(held["label"]))
        for held in held_sets
    ]
    choice = choose_blend(sets)
    vader_f1 = [weighted_f1(s.labels, [label_for(v) for v in s.vader]) for s in sets]
    classifier_f1 = [weighted_f1(s.labels, [label_for(v, choice.band) for v in s.classifier]) for s in sets]
    production_f1 = _production_f1(held_sets)
    # The registered model is the one just validated, not a refit on every row: a refit would have
    # seen the held-out rows, and the next candidate is compared with it on those same rows.
    final = BlendedScorer(pipeline, classifier_weight=choice.classifier_weight, band=choice.band)
    set_names = ["reviews"] + (["hu_liu_sentences"] if corpus is not None else [])
    metrics = {
        "weighted_f1": round(choice.f1, 4),
        **{f"weighted_f1_{name}": round(value, 4) for name, value in zip(set_names, choice.f1_by_set, strict=True)},
        "vader_weighted_f1": round(float(np.mean(vader_f1)), 4),
        **{f"vader_weighted_f1_{name}": round(value, 4) for name, value in zip(set_names, vader_f1, strict=True)},
        **{f"classifier_only_weighted_f1_{name}": round(v, 4) for name, v in zip(set_names, classifier_f1, strict=True)},
    }
    card = ModelCard(
        metrics=metrics,
        parameters={
            "classifier": "TF-IDF word 1-2 + char_wb 2-5 -> LogisticRegression(C=4, class_weight=balanced)",
            "classifier_weight": choice.classifier_weight,
            "neutral_band": choice.band,
            "labels": "stars 1-2 negative, 3 neutral, 4-5 positive; sentences of 5 and 1-2-star reviews inherit "
            "their review's label; Hu and Liu mean score with a ±0.05 band",
            "sentence_corpus": "hu_liu" if corpus is not None else None,
            "production_weighted_f1_same_rows": production_f1,
        },
        features=["text"],
        data_start=_moment(reviews["created_at"].min()),
        data_end=_moment(reviews["created_at"].max()),
        row_counts={
            "reviews": len(reviews),
            "corpus_sentences": 0 if corpus is None else len(corpus),
            **{f"train_{label}": int((train["label"] == label).sum()) for label in LABELS},
            "validation": int(sum(len(h) for h in held_sets)),
        },
    )
    report(0.9, "registering the model")
    version = model_register(name=SENTIMENT_MODEL_NAME, obj=final, card=card, trained_by=options.actor)
    current = production_version(name=SENTIMENT_MODEL_NAME)
    production = None if current is None else ProductionFigure(
        current.version, production_f1,
        "same held-out rows" if production_f1 is not None else "cannot be loaded or scored on the held-out rows",
    )
    gate = gate_decide(version=version, production=production, force=options.promote, actor=options.actor)
    promoted, reason = gate.promoted, gate.reason
    report(0.98, f"{version}: {reason}")
    summary = [
        ("reviews / corpus sentences", f"{len(reviews):,} / {0 if corpus is None else len(corpus):,}"),
        ("blend", f"classifier weight {choice.classifier_weight:g}, neutral band ±{choice.band:g}"),
        *[(f"weighted F1 on held-out {name}: model / VADER", f"{m:.4f} / {v:.4f}")
          for name, m, v in zip(set_names, choice.f1_by_set, vader_f1, strict=True)],
        ("production weighted F1 (same rows)", f"{production_f1:.4f}" if production_f1 is not None else "-"),
    ]
    return TrainingOutcome(version=version, promoted=promoted, promotion_reason=reason, summary=summary)


def _production_f1(held_sets: list[pd.DataFrame]) -> float | None:
    if production_version(name=SENTIMENT_MODEL_NAME) is None:
        return None
    loaded = production_model(name=SENTIMENT_MODEL_NAME)
    if loaded is None or not callable(getattr(loaded[1], "score_many", None)):
        return None
    scores = [
        weighted_f1(held["label"], [s.label for s in loaded[1].score_many(held["text"].tolist())]) for held in held_sets
    ]
    return float(np.mean(scores))


def _moment(value):
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()
