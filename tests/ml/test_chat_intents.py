"""The intent classifier on the held-out split of the shipped examples, the acceptance policy, and the rules fallback."""
from __future__ import annotations

import pytest

from ml.chat.evaluation import evaluate
from ml.chat.examples import INTENTS, examples_load, held_out_split
from ml.chat.intents import IntentPolicy, IntentPrediction, KeywordIntentRules, normalise, train_intent_classifier


@pytest.fixture(scope="module")
def split():
    return held_out_split(examples_load())


@pytest.fixture(scope="module")
def model(split):
    return train_intent_classifier(split[0])


def test_the_example_set_covers_every_intent_with_enough_varied_messages():
    examples = examples_load()
    assert len(examples) >= 400
    for intent in INTENTS:
        assert examples.labels.count(intent) >= 30, intent
    assert len(set(t.lower() for t in examples.texts)) == len(examples.texts), "duplicate messages"


def test_held_out_scores(model, split):
    scores = evaluate(model, split[1], IntentPolicy())
    assert scores.accuracy >= 0.70
    assert scores.out_of_scope_recall >= 0.70
    # The policy turns most would-be wrong answers into questions.
    wrong_top = round((1 - scores.accuracy) * scores.rows)
    assert scores.confident_wrong < wrong_top


def test_keyword_rules_are_much_worse_than_the_model(model, split):
    assert evaluate(KeywordIntentRules(), split[1], IntentPolicy()).accuracy < evaluate(model, split[1], IntentPolicy()).accuracy


@pytest.mark.parametrize("text, intent", [
    ("wheres my order ORD-1234", "order_status"),
    ("can i return a personalised mug", "returns_refunds"),
    ("i want to speak to a real person", "escalate_to_human"),
    ("the mug arrived smashed and broken", "complaint"),
    ("how do i upload my photo for the case", "customization_help"),
])
def test_clear_messages_are_understood(model, text, intent):
    prediction = model.predict(text)
    assert IntentPolicy().accepted(prediction) == intent


def test_policy_refuses_out_of_scope_low_confidence_and_ties():
    policy = IntentPolicy(threshold=0.4, margin=0.1)
    assert policy.accepted(IntentPrediction([("out_of_scope", 0.9), ("faq", 0.1)])) is None
    assert policy.accepted(IntentPrediction([("faq", 0.3), ("order_status", 0.1)])) is None
    assert policy.accepted(IntentPrediction([("faq", 0.45), ("order_status", 0.4)])) is None
    assert policy.accepted(IntentPrediction([("faq", 0.6), ("order_status", 0.2)])) == "faq"


def test_rules_fallback_answers_with_the_same_shape():
    rules = KeywordIntentRules()
    assert rules.predict("I want to talk to a human agent").intent == "escalate_to_human"
    assert rules.predict("zzz qqq").intent == "out_of_scope"
    assert IntentPolicy().accepted(rules.predict("zzz qqq")) is None


def test_normalise_hides_order_numbers_and_emails():
    assert "ordernum" in normalise("Where is ORD-12345?")
    assert "emailaddr" in normalise("mail me at a@b.com")


def test_serving_path_equals_the_pipelines_probabilities(model, split):
    import pickle

    import numpy as np

    texts = [normalise(t) for t in split[1].texts]
    reference = model.pipeline.predict_proba(texts)
    served = np.array([model._probabilities(t) for t in texts])
    assert np.allclose(reference, served, atol=1e-9)
    restored = pickle.loads(pickle.dumps(model))  # the registry's round trip drops the compiled cache
    assert restored.predict("where is my order").ranked == model.predict("where is my order").ranked
