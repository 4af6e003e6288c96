import random

import pytest

from ml.text.topics import fit_topics, npmi_coherence

THEMES = {
    "delivery": ["courier", "tracking", "parcel", "postage", "dispatch"],
    "print": ["font", "engraving", "lettering", "ink", "spelling"],
    "size": ["waist", "sleeve", "length", "tight", "hem"],
}


def _planted(seed: int = 0):
    rng = random.Random(seed)
    texts, truth = [], []
    for theme, words in THEMES.items():
        for _ in range(15):
            texts.append("The " + " and ".join(rng.sample(words, 3)) + " were mentioned.")
            truth.append(theme)
    return texts, truth


def test_topic_model_recovers_planted_themes():
    texts, truth = _planted()
    model = fit_topics(texts)
    assert model is not None and len(model.topics) == 3
    by_theme = {theme: {a for a, t in zip(model.assignments, truth, strict=True) if t == theme} for theme in THEMES}
    assert all(len(topics) == 1 for topics in by_theme.values())  # each theme is one topic
    assert len({next(iter(t)) for t in by_theme.values()}) == 3  # and the three differ
    for theme, (topic_id,) in by_theme.items():
        assert set(model.topics[topic_id].terms) == set(THEMES[theme])
    assert model.coherence > 0.3


def test_reviews_fitting_no_topic_are_reported_not_forced():
    texts, _ = _planted()
    texts += ["zebra quantum xylophone", "marmalade harpsichord"] * 2
    model = fit_topics(texts)
    assert model.assignments[-4:] == [None] * 4
    assert model.unassigned == 4
    assert model.as_dict()["unassigned"] == 4
    assert sum(t.size for t in model.topics) == len(texts) - 4


def test_new_texts_are_assigned_with_the_fitted_model():
    texts, truth = _planted()
    model = fit_topics(texts)
    courier_topic = model.assignments[truth.index("delivery")]
    assert model.assign(["courier lost the parcel, no tracking", "pineapple"]) == [courier_topic, None]


def test_too_few_reviews_give_no_topics():
    assert fit_topics(["one review", "two reviews"]) is None


def test_npmi_is_one_for_terms_always_together_and_minus_one_for_never():
    from scipy import sparse

    presence = sparse.csc_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    assert npmi_coherence([0, 1], presence) == pytest.approx(1.0)
    assert npmi_coherence([0, 2], presence) == -1.0


def test_excluded_words_never_become_topic_terms():
    texts, _ = _planted()
    texts = [f"{text} Great, lovely." if n % 2 else text for n, text in enumerate(texts)]
    assert {"great", "lovely"} <= set(fit_topics(texts).vectorizer.vocabulary_)
    model = fit_topics(texts, exclude=frozenset({"great", "lovely"}))
    assert not {"great", "lovely"} & set(model.vectorizer.vocabulary_)
    assert len(model.topics) == 3


def test_memberships_give_the_fitted_topic_and_weight_shares_largest_first():
    texts, truth = _planted()
    model = fit_topics(texts)
    courier = model.assignments[truth.index("delivery")]
    font = model.assignments[truth.index("print")]
    pure, mixed, none = model.memberships(
        ["courier lost the parcel, no tracking", "the courier parcel and the engraving font", "pineapple"]
    )
    assert pure.topic == courier and pure.shares[0] == (courier, pytest.approx(1.0, abs=0.05))
    assert {topic for topic, _ in mixed.shares} == {courier, font}  # both themes, each a real share
    assert all(0.1 <= share <= 1 for _, share in mixed.shares)
    assert [share for _, share in mixed.shares] == sorted((share for _, share in mixed.shares), reverse=True)
    assert none.topic is None and none.shares == []
    assert [m.topic for m in model.memberships(texts)] == model.assign(texts)
    assert model.memberships([]) == []
