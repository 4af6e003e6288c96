import pickle

import numpy as np
import pytest

from ml.text.sentiment import (
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    BlendedScorer,
    ScoredSet,
    VaderScorer,
    choose_blend,
    classifier_pipeline,
    inherited_sentences,
    label_for,
    rating_label,
    weighted_f1,
)


@pytest.fixture(scope="module")
def vader():
    return VaderScorer()


def test_rating_labels():
    assert [rating_label(r) for r in range(1, 6)] == [NEGATIVE, NEGATIVE, NEUTRAL, POSITIVE, POSITIVE]


def test_label_band():
    assert label_for(0.04) == NEUTRAL and label_for(0.05) == POSITIVE and label_for(-0.3) == NEGATIVE
    assert label_for(0.2, band=0.25) == NEUTRAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love this mug, the print is gorgeous.", POSITIVE),
        ("The mug is not good at all.", NEGATIVE),  # negation flips "good"
        ("Not bad at all, I am happy with it.", POSITIVE),  # negated negative
        ("Terrible quality and the seller never replied.", NEGATIVE),
        ("It is a mug.", NEUTRAL),
        ("slow delivery", NEGATIVE),  # only with the marketplace lexicon
    ],
)
def test_vader_with_marketplace_lexicon_on_hand_written_reviews(vader, text, expected):
    [result] = vader.score_many([text])
    assert result.label == expected
    assert -1 <= result.score <= 1


def test_marketplace_lexicon_is_what_makes_slow_delivery_negative():
    assert VaderScorer(domain=False).score_many(["slow delivery"])[0].label == NEUTRAL
    assert VaderScorer().score_many(["slow delivery"])[0].label == NEGATIVE


def test_contrast_sentence_leans_to_the_clause_after_but(vader):
    whole, first, second = vader.score_many(["great mug but slow delivery", "great mug", "slow delivery"])
    assert first.label == POSITIVE and second.label == NEGATIVE
    assert whole.score < first.score


def _training_texts():
    positive = ["lovely sturdy mug", "perfect print and fast delivery", "beautiful engraving, love it", "great gift"]
    negative = ["print faded and cracked", "awful, arrived broken", "wrong name, refund please", "cheap and flimsy"]
    neutral = ["it is a mug", "arrived on tuesday", "average mug, nothing special", "it is fine I guess"]
    texts = positive * 5 + negative * 5 + neutral * 5
    labels = [POSITIVE] * 20 + [NEGATIVE] * 20 + [NEUTRAL] * 20
    return texts, labels


def test_blended_scorer_with_full_classifier_weight_learns_the_training_vocabulary():
    texts, labels = _training_texts()
    scorer = BlendedScorer(classifier_pipeline().fit(texts, labels), classifier_weight=1.0, band=0.05)
    results = scorer.score_many(["the engraving is beautiful", "the print faded", ""])
    assert [r.label for r in results[:2]] == [POSITIVE, NEGATIVE]
    assert scorer.score_many([]) == []


def test_blended_scorer_pickles_without_the_vader_lexicon():
    texts, labels = _training_texts()
    scorer = BlendedScorer(classifier_pipeline().fit(texts, labels), classifier_weight=0.5, band=0.05)
    before = scorer.score_many(["lovely sturdy mug", "awful, arrived broken"])
    data = pickle.dumps(scorer)
    assert b"vader_lexicon" not in data and len(data) < 2_000_000
    assert pickle.loads(data).score_many(["lovely sturdy mug", "awful, arrived broken"]) == before


def test_choose_blend_averages_sets_so_one_domain_cannot_win_alone():
    labels = (POSITIVE, NEGATIVE, POSITIVE, NEGATIVE)
    # The classifier is right on set A and wrong on set B; VADER is right on both.
    a = ScoredSet(np.array([0.9, -0.9, 0.9, -0.9]), np.array([0.5, -0.5, 0.5, -0.5]), labels)
    b = ScoredSet(np.array([-0.9, 0.9, -0.9, 0.9]), np.array([0.5, -0.5, 0.5, -0.5]), labels)
    choice = choose_blend([a, b])
    assert choice.classifier_weight < 0.5
    assert choice.f1 == pytest.approx(1.0)


def test_weighted_f1_is_support_weighted():
    assert weighted_f1([POSITIVE, POSITIVE, NEGATIVE], [POSITIVE, POSITIVE, NEGATIVE]) == 1.0
    assert weighted_f1([POSITIVE, POSITIVE, NEGATIVE], [POSITIVE, POSITIVE, POSITIVE]) == pytest.approx(0.5333, abs=1e-3)


def test_inherited_sentences_come_only_from_clear_cut_reviews():
    texts = ["Love it! Will be ordering again.", "Great mug. Only downside: slow delivery.", "Awful. Refund please."]
    examples, labels = inherited_sentences(texts, [5, 4, 1])
    assert examples == ["Love it!", "Will be ordering again.", "Awful.", "Refund please."]
    assert labels == [POSITIVE, POSITIVE, NEGATIVE, NEGATIVE]
