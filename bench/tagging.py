"""Tagging quality: hold out products of the demo catalog, predict their category and tags, score per family.

    .venv/bin/python bench/tagging.py [--products 3000] [--holdout-share 0.2] [--seed 0]

The catalog comes from the demo generator (ml.simulate, the same one `seed_demo` writes), read as
the trainer reads the database: category path, materials / colours / occasions from the
attributes, vocabulary attributes from the tags (and the customisable flag). A random share is
held out; the model is trained on the rest. For each family it prints precision, recall and F1
of vocabulary matching alone (the serving fallback when no model is trained) beside the
vocabulary merged with the learnt model, measured on the same held-out products in this run.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.simulate.catalog import merchants_frame, products_frame  # noqa: E402
from ml.simulate.config import SimulationConfig  # noqa: E402
from ml.tagging.evaluation import evaluate_tagging  # noqa: E402
from ml.tagging.model import LabelledProduct, train_tagging_model  # noqa: E402
from ml.tagging.vocabulary import ATTRIBUTES, FAMILIES  # noqa: E402


def demo_catalog(products: int, seed: int) -> list[LabelledProduct]:
    config = SimulationConfig(end=date(2026, 6, 30), products=products, seed=seed)
    frame, tags = products_frame(config, merchants_frame())
    tag_sets = tags.groupby("product")["tag"].apply(set)
    rows = []
    for product in frame.itertuples(index=False):
        attributes = json.loads(product.attributes)
        labels = {family: set(attributes.get(family, [])) for family in ("materials", "colours", "occasions")}
        labels["attributes"] = {tag for tag in tag_sets.get(product.product, set()) if tag in ATTRIBUTES}
        if product.customisable:
            labels["attributes"].add("customisable")
        rows.append(LabelledProduct(product.title, product.description, product.category_path, tags=labels))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=3_000)
    parser.add_argument("--holdout-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rows = demo_catalog(args.products, args.seed)
    order = np.random.default_rng(args.seed).permutation(len(rows))
    cut = int(len(rows) * (1 - args.holdout_share))
    train, holdout = [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]
    started = time.perf_counter()
    model = train_tagging_model(train)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with_model = evaluate_tagging(model, holdout)
    per_product_ms = (time.perf_counter() - started) / len(holdout) * 1000
    vocabulary = evaluate_tagging(None, holdout)

    print(f"{len(train):,} products trained on in {train_seconds:.1f}s, {len(holdout):,} held out; "
          f"{len(model.categories)} categories, learnt values: "
          + ", ".join(f"{family} {len(values)}" for family, values in model.learnt_values.items()))
    print(f"{'family':<12}{'support':>8}   {'vocabulary P / R / F1':>24}   {'vocabulary + model P / R / F1':>30}")
    for family in FAMILIES:
        v, m = vocabulary[family], with_model[family]
        print(f"{family:<12}{m.support:>8}   {v.precision:>6.3f} / {v.recall:.3f} / {v.f1:.3f}   "
              f"{m.precision:>12.3f} / {m.recall:.3f} / {m.f1:.3f}")
    mean_v = np.mean([s.f1 for s in vocabulary.values()])
    mean_m = np.mean([s.f1 for s in with_model.values()])
    print(f"mean F1: vocabulary {mean_v:.3f}, vocabulary + model {mean_m:.3f}; "
          f"suggestion latency {per_product_ms:.1f} ms/product")


if __name__ == "__main__":
    main()
