"""FAQ retrieval: paraphrases find their entry, unrelated questions find nothing, topics are preferred."""
from __future__ import annotations

from ml.chat.faq import FaqEntryText, FaqIndex

ENTRIES = [
    FaqEntryText(1, "How long does customisation take?", "3-5 business days.",
                 ("when will my personalised item be made",), "customization_help"),
    FaqEntryText(2, "Can I modify my order?", "Within 2 hours.", ("change my order", "cancel my order"), "faq"),
    FaqEntryText(3, "What is your return policy?", "30 days, not customised items.",
                 ("can i return an item", "refund policy"), "returns_refunds"),
    FaqEntryText(4, "How long does delivery take?", "2-4 days.", ("shipping time",), "shipping_info"),
]


def test_paraphrases_and_typos_find_their_entry():
    index = FaqIndex(ENTRIES)
    assert index.best("how long does customization take").entry_id == 1
    assert index.best("can I change my order please").entry_id == 2
    assert index.best("whats the retrun policy").entry_id == 3
    assert index.best("how long does shipping take").entry_id == 4


def test_unrelated_questions_find_nothing():
    index = FaqIndex(ENTRIES)
    assert index.best("do you sell gift cards") is None
    assert index.best("hello") is None
    assert FaqIndex([]).best("anything") is None


def test_topic_of_a_trusted_intent_is_preferred():
    index = FaqIndex(ENTRIES)
    assert index.answer_for("send it back", topic="returns_refunds").entry_id == 3
    assert index.answer_for("send it back", topic=None) is None


def test_scores_are_cosines_between_zero_and_one():
    index = FaqIndex(ENTRIES, threshold=0.0)
    exact = index.search("Can I modify my order?", limit=1)[0]
    assert exact.entry_id == 2 and 0.99 <= exact.score <= 1.0001
