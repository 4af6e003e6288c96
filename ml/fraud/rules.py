"""Analysts' fraud rules: a named condition, an action and a weight, evaluated against one transaction's features.

The conditions are written in the language of ``rules_language`` and compiled once when the ``Rule`` is built,
so scoring only runs closures. ``combine_rule_hits`` turns the rules that fired into the rules' share of the
fraud decision: a score and the strongest action.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ml.fraud.rules_evaluators import Features
from ml.fraud.rules_language import CompiledCondition, compile_condition

# The feature names the fraud feature builder produces; a rule may only refer to these.
KNOWN_FEATURES = frozenset(
    {
        "amount",
        "hour",
        "is_night",
        "weekday",
        "is_round_amount",
        "is_first_transaction",
        "seconds_since_prev",
        "cust_count_1h",
        "cust_count_24h",
        "cust_count_7d",
        "cust_amount_1h",
        "cust_amount_24h",
        "cust_amount_7d",
        "card_count_1h",
        "card_count_24h",
        "card_count_7d",
        "card_amount_1h",
        "card_amount_24h",
        "card_amount_7d",
        "device_count_1h",
        "device_count_24h",
        "device_count_7d",
        "device_amount_1h",
        "device_amount_24h",
        "device_amount_7d",
        "cust_distinct_merchants_24h",
        "cust_distinct_devices_24h",
        "cust_distinct_cards_24h",
        "cust_distinct_ips_24h",
        "amount_zscore",
        "amount_to_median",
        "is_new_device",
        "is_new_card",
        "is_new_country",
        "travel_speed_kmh",
        "is_impossible_travel",
        "ip_country_mismatch",
        "merchant_risk",
        "category_risk",
        "country",
        "ip_country",
        "billing_country",
        "merchant_category",
        "is_vpn_ip",
        "is_blocklisted_device",
    }
)


class RuleAction(StrEnum):
    """What a hit asks for. Strength order: decline > review > flag (see ``ACTION_STRENGTH``)."""

    FLAG = "flag"
    REVIEW = "review"
    DECLINE = "decline"


ACTION_STRENGTH = {RuleAction.FLAG: 1, RuleAction.REVIEW: 2, RuleAction.DECLINE: 3}


@dataclass(frozen=True)
class Rule:
    """One analyst rule. Building it compiles the condition against KNOWN_FEATURES, so an invalid rule
    raises ``RuleSyntaxError`` (a ValueError with a column) when it is saved, never while scoring.

    ``weight`` is the rule's contribution to the rules score, between 0 and 1.
    """

    name: str
    condition: str
    action: RuleAction
    weight: float
    enabled: bool = True
    compiled: CompiledCondition = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a rule needs a name")
        try:
            object.__setattr__(self, "action", RuleAction(self.action))
        except ValueError:
            raise ValueError(f"action must be one of {', '.join(RuleAction)}, not {self.action!r}") from None
        if not (math.isfinite(self.weight) and 0 <= self.weight <= 1):
            raise ValueError(f"weight must be between 0 and 1, not {self.weight!r}")
        object.__setattr__(self, "compiled", compile_condition(self.condition, known_features=KNOWN_FEATURES))


@dataclass(frozen=True)
class RuleHit:
    name: str
    action: RuleAction
    weight: float


@dataclass(frozen=True)
class RulesVerdict:
    """What the rules say about one transaction, to be blended with the model's probability.

    ``score`` is the sum of the hits' weights capped at 1, so several medium rules together can count as
    much as one hard rule; ``action`` is the strongest action among the hits (decline > review > flag),
    None when no rule fired.
    """

    score: float
    action: RuleAction | None
    hits: tuple[RuleHit, ...]


def evaluate_rules(rules: Iterable[Rule], features: Features) -> list[RuleHit]:
    """The enabled rules whose condition holds for ``features``, in the order given."""
    return [
        RuleHit(name=rule.name, action=rule.action, weight=rule.weight)
        for rule in rules
        if rule.enabled and rule.compiled.matches(features)
    ]


def combine_rule_hits(hits: Iterable[RuleHit]) -> RulesVerdict:
    hits = tuple(hits)
    strongest = max((hit.action for hit in hits), key=ACTION_STRENGTH.__getitem__, default=None)
    return RulesVerdict(score=min(1.0, sum(hit.weight for hit in hits)), action=strongest, hits=hits)


# The rules every installation starts with, taken from the fraud engine design (same intent, thresholds and
# weights): too many payments or too much money in a short time, an amount far off the customer's habits,
# a busy night, a large first purchase, a foreign VPN address, and a device on the blocklist.
DEFAULT_RULES = (
    Rule(
        name="VELOCITY_BREACH",
        condition="cust_count_1h > 10 or card_count_1h > 10 or cust_amount_24h > 10000",
        action=RuleAction.REVIEW,
        weight=0.5,
    ),
    Rule(name="UNUSUAL_AMOUNT", condition="amount_zscore > 3", action=RuleAction.FLAG, weight=0.2),
    Rule(name="UNUSUAL_TIME", condition="is_night and cust_count_1h > 3", action=RuleAction.FLAG, weight=0.1),
    Rule(
        name="RISKY_FIRST_TXN",
        condition="is_first_transaction and amount > 500",
        action=RuleAction.REVIEW,
        weight=0.1,
    ),
    Rule(
        name="HIGH_RISK_COUNTRY",
        condition="ip_country_mismatch and is_vpn_ip",
        action=RuleAction.REVIEW,
        weight=0.3,
    ),
    Rule(name="BLACKLISTED_DEVICE", condition="is_blocklisted_device", action=RuleAction.DECLINE, weight=1.0),
)
