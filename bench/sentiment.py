"""Sentiment: VADER against a classifier trained on the marketplace's rated reviews, and their blend.

Two test sets, both held out from anything trained:
  * simulated marketplace reviews (ml.simulate, the generator behind `make demo`), labelled by their
    star rating (1-2 negative, 3 neutral, 4-5 positive), review-level, a random fifth held out;
  * Hu and Liu's 3,708 Amazon product-review sentences scored by 20 human raters (VADER's published
    weighted F1 there is about 0.61), sentence-level, in 5 folds grouped by source review.
The sdist holding the sentences is fetched once with pip into var/datasets/ (PyPI only).

A third test set shows sentence-level behaviour on marketplace wording: the sentences of the
held-out 5-star (positive) and 1-2-star (negative) reviews.

Approaches: VADER; VADER with the marketplace lexicon (ml.text.sentiment.DOMAIN_LEXICON); the
classifier trained on marketplace reviews only (review-level labels applied to sentences); plus
the sentences of 5 and 1-2-star training reviews labelled like their review; plus the other folds'
Hu and Liu sentences; and that classifier blended with VADER, the blend weight and neutral band
chosen on a validation split of the training part exactly as `manage.py train sentiment` does.
Also: analysis throughput (reviews per second).

Run: ``.venv/bin/python bench/sentiment.py`` (about two minutes on two idle cores).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, GroupShuffleSplit, train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.simulate.config import SimulationConfig  # noqa: E402
from ml.simulate.marketplace import simulate  # noqa: E402
from ml.text.analysis import analyze_texts  # noqa: E402
from ml.text.aspects import SEED_LEXICON  # noqa: E402
from ml.text.corpus import hu_liu_sentences  # noqa: E402
from ml.text.sentiment import (  # noqa: E402
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

SDIST = "vaderSentiment-3.3.2.tar.gz"
PUBLISHED_VADER_F1 = 0.61


def fetch_sdist(directory: Path) -> Path:
    path = directory / SDIST
    if not path.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "vaderSentiment==3.3.2", "--no-deps", "--no-binary", ":all:",
             "-d", str(directory), "-q"],
            check=True,
        )
    return path


def marketplace_reviews(customers: int, days: int, seed: int) -> pd.DataFrame:
    market = simulate(SimulationConfig(end=date(2026, 11, 30), customers=customers, products=400, days=days, seed=seed))
    reviews = market.reviews
    text = [
        f"{t}. {x}" if t and t[-1] not in ".!?" else f"{t} {x}".strip()
        for t, x in zip(reviews["title"], reviews["text"], strict=True)
    ]
    return pd.DataFrame({"text": text, "rating": reviews["rating"].astype(int),
                         "label": [rating_label(int(r)) for r in reviews["rating"]]})


def with_sentences(frame: pd.DataFrame) -> pd.DataFrame:
    texts, labels = inherited_sentences(frame["text"].tolist(), frame["rating"].tolist())
    return pd.concat([frame[["text", "label"]], pd.DataFrame({"text": texts, "label": labels})], ignore_index=True)


def f1_of(labels, scores, band=0.05) -> float:
    return weighted_f1(list(labels), [label_for(s, band) for s in scores])


class Evaluation:
    """Weighted F1 of each approach on the three test sets, printed as a table against VADER."""

    def __init__(self, sets: dict[str, pd.DataFrame]) -> None:
        self.sets = sets
        self.rows: dict[str, list[float]] = {}

    def add(self, name: str, predict) -> None:
        self.rows[name] = [weighted_f1(frame["label"], predict(frame["text"].tolist())) for frame in self.sets.values()]

    def print(self) -> None:
        baseline = self.rows["VADER"]
        print("\nweighted F1, 3 classes (x = ratio to VADER in this run; published VADER on Hu & Liu ~"
              f"{PUBLISHED_VADER_F1})")
        print(f"  {'':<52}" + "".join(f"{name:>28}" for name in self.sets))
        for name, values in self.rows.items():
            cells = "".join(f"{v:>20.4f} (x{v / b:.2f})" for v, b in zip(values, baseline, strict=True))
            print(f"  {name:<52}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    corpus = hu_liu_sentences(fetch_sdist(ROOT / "var" / "datasets"))
    started = time.perf_counter()
    reviews = marketplace_reviews(args.customers, args.days, args.seed)
    print(f"marketplace reviews: {len(reviews):,} ({reviews['label'].value_counts().to_dict()}), "
          f"simulated in {time.perf_counter() - started:.1f}s")
    print(f"Hu and Liu sentences: {len(corpus):,} from {corpus['review'].nunique()} reviews "
          f"({corpus['label'].value_counts().to_dict()})")
    train, test = train_test_split(reviews, test_size=0.2, random_state=0, stratify=reviews["label"])
    test_sentences = with_sentences(test.assign(label="drop")).query("label != 'drop'")
    print(f"held out: {len(test):,} reviews, {len(test_sentences):,} of their sentences "
          "(5-star sentences positive, 1-2-star negative)")
    evaluation = Evaluation({"marketplace reviews": test, "marketplace sentences": test_sentences,
                             "Hu & Liu sentences": corpus})

    plain, domain = VaderScorer(domain=False), VaderScorer()
    evaluation.add("VADER", lambda texts: [label_for(v) for v in plain.compound(texts)])
    evaluation.add("VADER + marketplace lexicon", lambda texts: [label_for(v) for v in domain.compound(texts)])
    started = time.perf_counter()
    reviews_only = classifier_pipeline().fit(train["text"].tolist(), train["label"].tolist())
    print(f"classifier on {len(train):,} reviews fitted in {time.perf_counter() - started:.1f}s")
    evaluation.add("classifier: marketplace reviews", lambda texts: reviews_only.predict(texts))
    augmented = with_sentences(train)
    plus_sentences = classifier_pipeline().fit(augmented["text"].tolist(), augmented["label"].tolist())
    evaluation.add("classifier: reviews + their sentences", lambda texts: plus_sentences.predict(texts))

    # Hu & Liu enters training only through other folds (grouped by source review), so every
    # sentence is predicted by a model that never saw its review; marketplace figures are fold means.
    folds = list(GroupKFold(args.folds).split(corpus, groups=corpus["review"]))
    review_fit, review_val = train_test_split(train, test_size=0.2, random_state=0, stratify=train["label"])
    both: dict[str, list] = {"classifier": [], "blend": []}
    for fold, (fit_rows, held_rows) in enumerate(folds):
        fit_part = corpus.iloc[fit_rows]
        splitter = GroupShuffleSplit(1, test_size=0.2, random_state=0)
        inner_fit, inner_val = next(splitter.split(fit_part, groups=fit_part["review"]))
        corpus_fit, corpus_val = fit_part.iloc[inner_fit], fit_part.iloc[inner_val]
        training = pd.concat([with_sentences(review_fit), corpus_fit[["text", "label"]]])
        pipeline = classifier_pipeline().fit(training["text"].tolist(), training["label"].tolist())
        sets = [
            ScoredSet(classifier_scores(pipeline, part["text"].tolist()), domain.compound(part["text"].tolist()),
                      tuple(part["label"]))
            for part in (review_val, corpus_val)
        ]
        choice = choose_blend(sets)
        blend = BlendedScorer(pipeline, classifier_weight=choice.classifier_weight, band=choice.band)
        both["classifier"].append((held_rows, pipeline.predict))
        both["blend"].append((held_rows, lambda texts, b=blend: [s.label for s in b.score_many(texts)]))
        print(f"  fold {fold + 1}: blend classifier weight {choice.classifier_weight:g}, band ±{choice.band:g}")
    for key, name in (("classifier", "classifier: reviews + sentences + Hu & Liu folds"),
                      ("blend", "blend with VADER, as `train sentiment` does")):
        row = []
        for frame_name, frame in evaluation.sets.items():
            if frame_name == "Hu & Liu sentences":
                predicted = np.empty(len(corpus), dtype=object)
                for held_rows, predict in both[key]:
                    predicted[held_rows] = predict(corpus.iloc[held_rows]["text"].tolist())
                row.append(weighted_f1(corpus["label"], list(predicted)))
            else:
                row.append(float(np.mean([weighted_f1(frame["label"], predict(frame["text"].tolist()))
                                          for _, predict in both[key]])))
        evaluation.rows[name] = row
    evaluation.print()

    sample = reviews["text"].tolist()[:1000]
    for name, scorer in (("VADER + lexicon", domain), ("blend", blend)):
        started = time.perf_counter()
        analyze_texts(sample, scorer=scorer, lexicon=SEED_LEXICON)
        elapsed = time.perf_counter() - started
        print(f"analysis throughput, {name}: {len(sample) / elapsed:,.0f} reviews/s (sentences, clauses, aspects)")


if __name__ == "__main__":
    main()
