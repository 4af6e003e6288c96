"""The tagging classifiers on a tiny catalog: categories, learnt tags, decisions as labels, evaluation."""
from __future__ import annotations

import pytest

from ml.tagging.evaluation import evaluate_tagging, family_score
from ml.tagging.model import MIN_POSITIVES, LabelledProduct, train_tagging_model
from ml.tagging.suggest import merge_suggestions, suggest_tags
from ml.tagging.vocabulary import Suggestion

MUGS = ["Latte Mug", "Coffee Mug", "Camping Mug", "Tea Mug", "Name Mug", "Espresso Mug", "Enamel Mug", "Big Mug"]
SHIRTS = ["Slogan Tee", "Family Tee", "Band T-Shirt", "Plain T-Shirt", "Logo Tee", "Pocket Tee", "Kids Tee", "Retro T-Shirt"]


def _catalog() -> list[LabelledProduct]:
    rows = []
    for i, title in enumerate(MUGS):
        # "Keepsake" is no vocabulary word: only a learnt classifier can tie it to mugs here.
        rows.append(LabelledProduct(f"{title} {i}", "A stoneware cup for hot drinks.", "Home > Mugs",
                                    tags={"attributes": {"keepsake"}}))
    for i, title in enumerate(SHIRTS):
        rows.append(LabelledProduct(f"{title} {i}", "A soft shirt to wear.", "Apparel > T-Shirts", tags={"attributes": set()}))
    return rows


@pytest.fixture(scope="module")
def model():
    return train_tagging_model(_catalog())


def test_category_classifier_learns_the_catalog(model):
    assert set(model.categories) == {"Home > Mugs", "Apparel > T-Shirts"}
    [top, *_] = [s for s in model.predict(title="Travel Mug", description="A cup for hot drinks") if s.family == "category"]
    assert top.value == "Home > Mugs" and top.source == "model"
    [top, *_] = [s for s in model.predict(title="Vintage Tee", description="A shirt to wear") if s.family == "category"]
    assert top.value == "Apparel > T-Shirts"


def test_a_tag_outside_the_vocabulary_is_learnt(model):
    assert model.learnt_values == {"attributes": ["keepsake"]}
    predicted = {s.value for s in model.predict(title="Glass Mug", description="A cup for hot drinks")}
    assert "keepsake" in predicted
    assert "keepsake" not in {s.value for s in model.predict(title="Plain Tee", description="A shirt to wear")}


def test_rare_values_are_left_to_the_vocabulary():
    rows = _catalog()
    for row in rows[: MIN_POSITIVES - 1]:
        row.tags["occasions"] = {"birthday"}
    assert "occasions" not in train_tagging_model(rows).learnt_values


def test_a_rejected_suggestion_becomes_a_negative_label():
    rows = _catalog()
    for row in rows[:4]:
        row.rejected["attributes"] = {"keepsake"}
    # Four of eight mugs rejected "keepsake": it keeps 4 positives, fewer than MIN_POSITIVES.
    assert "attributes" not in train_tagging_model(rows).learnt_values
    row = rows[0]
    assert "keepsake" not in row.labels("attributes")


def test_an_accepted_category_replaces_the_catalog_one():
    row = LabelledProduct("Mug", category="Home > Mugs", accepted={"category": {"Home > Drinkware"}})
    assert row.category_label() == "Home > Drinkware"
    assert LabelledProduct("Mug", category="Home > Mugs", category_rejected={"Home > Mugs"}).category_label() is None


def test_without_a_model_only_the_vocabulary_answers():
    suggestions = suggest_tags(title="Personalised Wedding Mug", description="Ceramic, in white.")
    assert {s.source for s in suggestions} == {"vocabulary"}
    assert "category" not in {s.family for s in suggestions}
    found = {(s.family, s.value) for s in suggestions}
    assert {("occasions", "wedding"), ("materials", "ceramic"), ("colours", "white")} <= found


def test_agreeing_sources_combine_as_noisy_or():
    merged = merge_suggestions(
        [Suggestion("colours", "white", 0.8, "vocabulary")], [Suggestion("colours", "white", 0.5, "model")]
    )
    assert merged == [Suggestion("colours", "white", 0.9, "vocabulary+model")]


def test_family_scores_are_micro_averaged():
    score = family_score("colours", [{"red", "blue"}, {"white"}], [{"red"}, {"white", "black"}])
    assert (score.precision, score.recall, score.support) == (round(2 / 3, 4), round(2 / 3, 4), 3)
    with pytest.raises(ValueError):
        family_score("colours", [set()], [])


def test_holdout_evaluation_covers_every_family(model):
    held_out = [LabelledProduct("Mini Mug 99", "A cup for hot drinks.", "Home > Mugs", tags={"attributes": {"keepsake"}})]
    scores = evaluate_tagging(model, held_out)
    assert scores["category"].f1 == 1.0
    assert scores["attributes"].recall == 1.0
    assert evaluate_tagging(None, held_out)["category"].recall == 0.0
