import pytest

from ml.text.analysis import analyze_texts
from ml.text.aspects import SEED_LEXICON, learn_aspects
from ml.text.sentiment import NEGATIVE, POSITIVE, VaderScorer


@pytest.fixture(scope="module")
def vader():
    return VaderScorer()


def _aspects(result):
    return {(m.aspect, m.sentiment) for m in result.aspects}


def test_contrast_gives_each_aspect_the_sentiment_of_its_own_clause(vader):
    lexicon = learn_aspects(["Lovely mug."] * 6, opinion_words=frozenset({"lovely"}))
    [result] = analyze_texts(["Great mug but slow delivery."], scorer=vader, lexicon=lexicon)
    assert _aspects(result) == {("mug", POSITIVE), ("delivery", NEGATIVE)}
    evidence = {m.aspect: m.evidence for m in result.aspects}
    assert evidence == {"mug": "Great mug", "delivery": "slow delivery."}


def test_negation_turns_an_aspect_negative(vader):
    [result] = analyze_texts(["The print is not good. The packaging was lovely."], scorer=vader, lexicon=SEED_LEXICON)
    assert _aspects(result) == {("customisation and print", NEGATIVE), ("packaging", POSITIVE)}
    assert [s.sentiment for s in result.sentences] == [NEGATIVE, POSITIVE]


@pytest.mark.parametrize(
    ("text", "aspect", "sentiment"),
    [
        ("Far too expensive for what you get.", "price", NEGATIVE),
        ("Great value for money.", "price", POSITIVE),
        ("The name was spelled wrong.", "customisation and print", NEGATIVE),
        ("Runs small, the size was wrong for me.", "size and fit", NEGATIVE),
        ("The seller was really helpful.", "customer service", POSITIVE),
        ("It feels sturdy and well made.", "quality", POSITIVE),
        ("Arrived damaged in a flimsy envelope.", "packaging", NEGATIVE),
    ],
)
def test_seed_aspects_on_hand_written_sentences(vader, text, aspect, sentiment):
    [result] = analyze_texts([text], scorer=vader, lexicon=SEED_LEXICON)
    assert (aspect, sentiment) in _aspects(result)


def test_review_without_aspect_words_has_no_aspects(vader):
    [result] = analyze_texts(["Absolutely love it!"], scorer=vader, lexicon=SEED_LEXICON)
    assert result.aspects == [] and result.sentiment == POSITIVE


def test_learnt_aspects_are_frequent_non_opinion_terms_and_prefer_phrases():
    texts = ["The phone case is lovely."] * 6 + ["Lovely handle on this mug."] * 5 + ["Nice colour."] * 2
    lexicon = learn_aspects(texts, opinion_words=frozenset({"lovely", "nice"}))
    assert "phone case" in lexicon.learnt and "handle" in lexicon.learnt and "mug" in lexicon.learnt
    assert "phone" not in lexicon.learnt and "case" not in lexicon.learnt  # the phrase covers them
    assert "lovely" not in lexicon.learnt and "colour" not in lexicon.learnt  # opinion word; too rare
    assert set(SEED_LEXICON.terms) <= set(lexicon.terms)
