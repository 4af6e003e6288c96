"""The bot's side of a conversation: a small state machine over understood messages.

`respond(state, understanding, knowledge)` is pure: what the bot knows about the shopper's
orders, the catalog and the FAQ comes through the `Knowledge` protocol, so the same rules run
against the database in the app and against plain objects in tests.

Rules, in order:
- a message that is not understood (out of scope, unsure, or torn between two intents) and
  matches no FAQ entry gets a clarifying question; the second in a row also offers a human;
  the third hands the conversation over (repeated failure);
- an order question without an order number asks for one and remembers the question; a
  signed-in shopper is offered their recent orders as quick replies;
- a complaint or a request for a person hands over at once.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

from ml.chat.entities import Entities
from ml.chat.faq import FaqMatch
from ml.chat.intents import IntentPrediction

HUMAN = "Talk to a human"
MENU = ["Where is my order?", "Return policy", "How does customisation work?", HUMAN]
FAILURES_BEFORE_OFFER = 2
FAILURES_BEFORE_HANDOFF = 3

STATUS_SENTENCES = {
    "pending": "is waiting for payment",
    "paid": "is paid and queued for production",
    "fulfilled": "has been made and is being packed",
    "shipped": "has shipped and is on its way",
    "delivered": "has been delivered",
    "cancelled": "was cancelled",
    "refunded": "was refunded",
}


@dataclass
class DialogueState:
    """Stored on the conversation between turns (JSON)."""

    awaiting: str | None = None
    """"order_number" or "product": what the last bot question asked for."""
    pending_intent: str | None = None
    misunderstood: int = 0
    """Consecutive messages the bot could not place."""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> DialogueState:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Understanding:
    text: str
    prediction: IntentPrediction
    intent: str | None
    """The trusted intent, or None (see ml.chat.intents.IntentPolicy)."""
    entities: Entities


@dataclass(frozen=True)
class OrderInfo:
    number: str
    status: str
    placed_on: str
    items: list[str]
    total: str
    currency: str


@dataclass(frozen=True)
class ProductInfo:
    title: str
    price: str
    currency: str
    materials: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)
    customisable: bool = False
    customisation: list[str] = field(default_factory=list)
    stock: int = 0


class Knowledge(Protocol):
    signed_in: bool

    def order(self, number: str) -> OrderInfo | None:
        """The shopper's own order with that number; None for a missing or someone else's order."""

    def recent_orders(self) -> list[OrderInfo]: ...

    def products(self, entities: Entities) -> list[ProductInfo]:
        """Products the message names (or of the types it names), best first."""

    def faq(self, text: str, topic: str | None) -> FaqMatch | None: ...


@dataclass(frozen=True)
class Reply:
    text: str
    kind: str
    """answer, ask (needs a detail), clarify (not understood), handoff."""
    quick_replies: list[str] = field(default_factory=list)
    handoff_reason: str | None = None
    faq_id: int | None = None

    @property
    def understood(self) -> bool:
        return self.kind != "clarify"


def respond(state: DialogueState, understanding: Understanding, knowledge: Knowledge) -> tuple[Reply, DialogueState]:
    """The bot's reply to one shopper message and the state for the next."""
    intent, entities = understanding.intent, understanding.entities
    if state.awaiting == "order_number" and intent in (None, "order_status", "shipping_info"):
        intent = "order_status"
    if entities.order_numbers and intent in (None, "order_status", "shipping_info", "greeting"):
        intent = "order_status"
    if state.awaiting == "product" and intent is None and (entities.products or entities.product_types):
        intent = state.pending_intent or "product_info"

    if intent is None:
        return _not_understood(state, understanding, knowledge)
    handler = HANDLERS.get(intent, _faq_answer)
    reply, next_state = handler(state, understanding, knowledge, intent)
    if reply.kind == "ask" and state.awaiting == next_state.awaiting:
        # Asking for the same detail again is not getting anywhere: offer a human, then hand over.
        next_state.misunderstood = state.misunderstood + 1
        if next_state.misunderstood >= FAILURES_BEFORE_OFFER:
            return _handoff("repeated_failure"), DialogueState()
        reply = Reply(reply.text, reply.kind, [*reply.quick_replies, HUMAN])
    return reply, next_state


def _not_understood(state: DialogueState, understanding: Understanding, knowledge: Knowledge):
    match = knowledge.faq(understanding.text, None)
    if match is not None:
        return Reply(match.answer, "answer", faq_id=match.entry_id), DialogueState()
    failures = state.misunderstood + 1
    if failures >= FAILURES_BEFORE_HANDOFF:
        return _handoff("repeated_failure"), DialogueState()
    after = DialogueState(awaiting=state.awaiting, pending_intent=state.pending_intent, misunderstood=failures)
    if failures >= FAILURES_BEFORE_OFFER:
        text = "I'm still not sure I can help with that. Would you like to talk to a member of our team?"
        return Reply(text, "clarify", [HUMAN, "Where is my order?", "Return policy"]), after
    text = "Sorry, I didn't quite get that. Is it about an order, a product, customising an item or a return?"
    return Reply(text, "clarify", MENU[:3] + ["Product question"]), after


def _handoff(reason: str) -> Reply:
    texts = {
        "complaint": "I'm sorry about this. I'm passing you to a member of our support team, who will reply here shortly.",
        "requested": "Of course. I'm connecting you to a member of our support team; they will reply here shortly.",
        "repeated_failure": "I'm not getting this right, sorry. I'm passing you to a member of our support team.",
    }
    return Reply(texts[reason], "handoff", handoff_reason=reason)


def _greeting(state, understanding, knowledge, intent):
    return Reply("Hi! I can help with your orders, our products, customising an item and returns. "
                 "What can I do for you?", "answer", MENU), DialogueState()


def _goodbye(state, understanding, knowledge, intent):
    return Reply("Thanks for chatting with us. Have a lovely day!", "answer"), DialogueState()


def _complaint(state, understanding, knowledge, intent):
    return _handoff("complaint"), DialogueState()


def _escalate(state, understanding, knowledge, intent):
    return _handoff("requested"), DialogueState()


def _order_status(state, understanding, knowledge, intent):
    numbers = understanding.entities.order_numbers
    if not knowledge.signed_in:
        return Reply("I can look up orders for signed-in shoppers. Please sign in to the shop, or talk to our team "
                     "and they will find it for you.", "answer", [HUMAN]), DialogueState()
    if not numbers:
        recent = knowledge.recent_orders()
        asks = "Which order is it about? Please send the order number (it looks like ORD-12345)."
        quick = [f"Where is {order.number}?" for order in recent[:3]]
        if quick:
            asks = "Which order is it about? Pick one of your recent orders or send its number."
        return Reply(asks, "ask", quick), DialogueState(awaiting="order_number", pending_intent="order_status")
    lines = []
    for number in numbers[:3]:
        order = knowledge.order(number)
        if order is None:
            lines.append(f"I couldn't find an order {number} on your account. Please check the number.")
            continue
        items = ", ".join(order.items[:3]) + ("…" if len(order.items) > 3 else "")
        sentence = STATUS_SENTENCES.get(order.status, f"is {order.status}")
        lines.append(f"Your order {order.number} ({items}; {order.total} {order.currency}), placed on "
                     f"{order.placed_on}, {sentence}.")
    return Reply(" ".join(lines), "answer", ["Return policy", HUMAN]), DialogueState()


def _describe(product: ProductInfo) -> str:
    parts = [f"{product.title} costs {product.price} {product.currency}."]
    if product.materials:
        parts.append(f"Made of {', '.join(product.materials)}.")
    if product.colours:
        parts.append(f"Colours: {', '.join(product.colours)}.")
    if product.sizes:
        parts.append(f"Sizes: {', '.join(product.sizes)}.")
    if product.customisable:
        options = f" ({', '.join(product.customisation)})" if product.customisation else ""
        parts.append(f"It can be personalised{options}.")
    parts.append(f"{product.stock} in stock." if product.stock > 0 else "It is out of stock right now.")
    return " ".join(parts)


def _product_info(state, understanding, knowledge, intent):
    products = knowledge.products(understanding.entities)
    if not products:
        return (Reply("Which product would you like to know about? Tell me its name or type (mug, shirt, phone case, "
                      "jewellery, print).", "ask"),
                DialogueState(awaiting="product", pending_intent=intent))
    if understanding.entities.products or len(products) == 1:
        return Reply(_describe(products[0]), "answer", ["How does customisation work?", HUMAN]), DialogueState()
    listing = "; ".join(f"{p.title} ({p.price} {p.currency})" for p in products[:3])
    return Reply(f"Here are some of our popular ones: {listing}. Which one would you like to know more about?",
                 "answer", [f"Tell me about {p.title}" for p in products[:3]]), DialogueState(
        awaiting="product", pending_intent=intent)


def _customisation(state, understanding, knowledge, intent):
    products = knowledge.products(understanding.entities) if understanding.entities.products else []
    if products:
        product = products[0]
        if not product.customisable:
            return Reply(f"{product.title} isn't customisable, sorry.", "answer", [HUMAN]), DialogueState()
        options = ", ".join(product.customisation) or "text and images"
        return Reply(f"You can personalise {product.title} with {options}. Choose the options on the product page "
                     "before adding it to your basket; you'll see a preview before you pay.", "answer"), DialogueState()
    match = knowledge.faq(understanding.text, intent)
    if match is not None:
        return Reply(match.answer, "answer", ["Return policy", HUMAN], faq_id=match.entry_id), DialogueState()
    return Reply("Most of our items can be personalised with text, names, dates or your own photo: pick the options "
                 "on the product page and check the preview before you pay.", "answer"), DialogueState()


def _faq_answer(state, understanding, knowledge, intent):
    match = knowledge.faq(understanding.text, intent)
    if match is None:
        return _not_understood(state, understanding, knowledge)
    return Reply(match.answer, "answer", faq_id=match.entry_id), DialogueState()


HANDLERS = {
    "greeting": _greeting,
    "goodbye": _goodbye,
    "complaint": _complaint,
    "escalate_to_human": _escalate,
    "order_status": _order_status,
    "product_info": _product_info,
    "customization_help": _customisation,
    "shipping_info": _faq_answer,
    "returns_refunds": _faq_answer,
    "faq": _faq_answer,
}
