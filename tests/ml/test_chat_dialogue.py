"""The dialogue state machine against plain-object knowledge: asking for missing details,
clarifying, offering and handing over to a human."""
from __future__ import annotations

from dataclasses import dataclass, field

from ml.chat.dialogue import HUMAN, DialogueState, OrderInfo, ProductInfo, Understanding, respond
from ml.chat.entities import Entities, ProductMention, extract_entities
from ml.chat.faq import FaqMatch
from ml.chat.intents import IntentPrediction

ORDER = OrderInfo("ORD-1", "shipped", "1 December 2026", ["Name Mug"], "14.99", "USD")
MUG = ProductInfo("Name Mug", "14.99", "USD", materials=["ceramic"], colours=["white"], customisable=True,
                  customisation=["name"], stock=3)


@dataclass
class FakeKnowledge:
    signed_in: bool = True
    orders: dict = field(default_factory=lambda: {"ORD-1": ORDER})
    faq_answer: FaqMatch | None = None

    def order(self, number):
        return self.orders.get(number)

    def recent_orders(self):
        return list(self.orders.values())

    def products(self, entities):
        return [MUG] if entities.products or entities.product_types else []

    def faq(self, text, topic):
        return self.faq_answer if (topic or "policy" in text) else None


def turn(state, text, intent, knowledge=None, entities=None):
    understanding = Understanding(text, IntentPrediction([(intent or "out_of_scope", 0.9)]), intent,
                                  entities or extract_entities(text))
    return respond(state, understanding, knowledge or FakeKnowledge())


def test_order_question_without_number_asks_and_remembers():
    reply, state = turn(DialogueState(), "where is my order", "order_status")
    assert reply.kind == "ask" and state.awaiting == "order_number"
    assert reply.quick_replies == ["Where is ORD-1?"]
    # The next message is only a number: the remembered question is answered.
    reply, state = turn(state, "ORD-1", None)
    assert reply.kind == "answer" and "shipped" in reply.text and state.awaiting is None


def test_unknown_order_and_anonymous_shopper():
    reply, _ = turn(DialogueState(), "where is ORD-9", "order_status")
    assert "couldn't find an order ORD-9" in reply.text
    reply, state = turn(DialogueState(), "where is my order", "order_status", FakeKnowledge(signed_in=False))
    assert "sign in" in reply.text and HUMAN in reply.quick_replies and state.awaiting is None


def test_not_understood_clarifies_then_offers_a_human_then_hands_over():
    state = DialogueState()
    reply, state = turn(state, "blorp", None)
    assert reply.kind == "clarify" and HUMAN not in reply.quick_replies
    reply, state = turn(state, "blorp blorp", None)
    assert reply.kind == "clarify" and HUMAN in reply.quick_replies
    reply, state = turn(state, "blorp again", None)
    assert reply.kind == "handoff" and reply.handoff_reason == "repeated_failure"


def test_understood_message_resets_the_failure_count():
    _, state = turn(DialogueState(), "blorp", None)
    _, state = turn(state, "hi", "greeting")
    assert state.misunderstood == 0


def test_repeatedly_missing_order_number_hands_over():
    state = DialogueState()
    for _ in range(3):
        reply, state = turn(state, "where is it", "order_status")
    assert reply.kind == "handoff"


def test_complaint_and_request_hand_over():
    assert turn(DialogueState(), "it's broken", "complaint")[0].handoff_reason == "complaint"
    assert turn(DialogueState(), "human please", "escalate_to_human")[0].handoff_reason == "requested"


def test_product_question_answered_from_the_catalog():
    entities = Entities(products=[ProductMention(1, "Name Mug", 100.0)])
    reply, _ = turn(DialogueState(), "what is the name mug made of", "product_info", entities=entities)
    assert "ceramic" in reply.text and "14.99 USD" in reply.text and "3 in stock" in reply.text
    reply, state = turn(DialogueState(), "what's it made of", "product_info", entities=Entities())
    assert reply.kind == "ask" and state.awaiting == "product"


def test_faq_answers_returns_and_low_confidence_faq_matches():
    faq = FaqMatch(3, "What is your return policy?", "30 days.", 0.8, "returns_refunds")
    reply, _ = turn(DialogueState(), "can i send it back", "returns_refunds", FakeKnowledge(faq_answer=faq))
    assert reply.text == "30 days." and reply.faq_id == 3
    # Not understood, but a strong FAQ match: answered rather than clarified.
    reply, _ = turn(DialogueState(), "return policy?", None, FakeKnowledge(faq_answer=faq))
    assert reply.kind == "answer"


def test_state_round_trips_through_json():
    state = DialogueState(awaiting="product", pending_intent="product_info", misunderstood=1)
    assert DialogueState.from_dict(state.as_dict()) == state
    assert DialogueState.from_dict({"unknown": 1}) == DialogueState()
