"""Precision, recall and F1 of predicted tag sets against true ones, per family (micro-averaged).

Micro-averaging counts every (product, value) pair once, so frequent values weigh more, as
they do for a merchant reviewing suggestions. For the category (one true and one predicted
label per product) precision, recall and F1 all equal the accuracy.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ml.tagging.suggest import suggest_tags
from ml.tagging.vocabulary import FAMILIES


@dataclass(frozen=True)
class FamilyScore:
    family: str
    precision: float
    recall: float
    f1: float
    support: int  # true (product, value) pairs

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


def family_score(family: str, truth: Sequence[set[str]], predicted: Sequence[set[str]]) -> FamilyScore:
    if len(truth) != len(predicted):
        raise ValueError("truth and predictions must have one set per product")
    hits = sum(len(t & p) for t, p in zip(truth, predicted, strict=True))
    predicted_count = sum(len(p) for p in predicted)
    true_count = sum(len(t) for t in truth)
    precision = hits / predicted_count if predicted_count else 0.0
    recall = hits / true_count if true_count else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FamilyScore(family, round(precision, 4), round(recall, 4), round(f1, 4), true_count)


def evaluate_tagging(model, products: Sequence, *, threshold: float = 0.5) -> dict[str, FamilyScore]:
    """Score suggestions for held-out `products` (LabelledProduct rows) family by family.

    A value counts as predicted when its merged confidence reaches `threshold`; the category is
    the top suggestion. `model` None measures vocabulary matching alone. The product's own
    category is withheld from the tag classifiers, as for a new listing.
    """
    truth: dict[str, list[set[str]]] = {family: [] for family in FAMILIES}
    predicted: dict[str, list[set[str]]] = {family: [] for family in FAMILIES}
    for product in products:
        suggestions = suggest_tags(title=product.title, description=product.description, model=model)
        categories = [s.value for s in suggestions if s.family == "category"]
        truth["category"].append({product.category_label()} if product.category_label() else set())
        predicted["category"].append(set(categories[:1]))
        for family in FAMILIES[1:]:
            truth[family].append(product.labels(family))
            predicted[family].append({s.value for s in suggestions if s.family == family and s.confidence >= threshold})
    return {family: family_score(family, truth[family], predicted[family]) for family in FAMILIES}
