"""Rules, the shipped defaults, and how hits combine into a rules score and an action."""

from __future__ import annotations

import pytest

from ml.fraud.rules import (
    DEFAULT_RULES,
    KNOWN_FEATURES,
    Rule,
    RuleAction,
    RuleHit,
    combine_rule_hits,
    evaluate_rules,
)
from ml.fraud.rules_language import RuleSyntaxError, compile_condition

QUIET = {name: 0 for name in KNOWN_FEATURES} | {"country": "GB", "ip_country": "GB", "billing_country": "GB"}
QUIET |= {"merchant_category": "mugs", "amount": 25.0, "hour": 14}


def hit_names(features: dict[str, object]) -> list[str]:
    return [hit.name for hit in evaluate_rules(DEFAULT_RULES, features)]


def test_default_rules_compile_against_known_features():
    assert {rule.name for rule in DEFAULT_RULES} == {
        "VELOCITY_BREACH",
        "UNUSUAL_AMOUNT",
        "UNUSUAL_TIME",
        "RISKY_FIRST_TXN",
        "HIGH_RISK_COUNTRY",
        "BLACKLISTED_DEVICE",
    }
    for rule in DEFAULT_RULES:
        assert rule.enabled
        assert compile_condition(rule.condition, known_features=KNOWN_FEATURES).variables <= KNOWN_FEATURES


def test_quiet_transaction_fires_no_default_rule():
    assert hit_names(QUIET) == []


def test_empty_feature_row_fires_no_default_rule():
    assert hit_names({}) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"cust_count_1h": 11}, ["VELOCITY_BREACH"]),
        ({"card_count_1h": 11}, ["VELOCITY_BREACH"]),
        ({"cust_amount_24h": 10_000.01}, ["VELOCITY_BREACH"]),
        ({"cust_amount_24h": 10_000}, []),
        ({"amount_zscore": 3.5}, ["UNUSUAL_AMOUNT"]),
        ({"amount_zscore": 3.0}, []),
        ({"is_night": True, "cust_count_1h": 4}, ["UNUSUAL_TIME"]),
        ({"is_night": False, "cust_count_1h": 4}, []),
        ({"is_first_transaction": True, "amount": 750.0}, ["RISKY_FIRST_TXN"]),
        ({"is_first_transaction": True, "amount": 500.0}, []),
        ({"ip_country_mismatch": True, "is_vpn_ip": True}, ["HIGH_RISK_COUNTRY"]),
        ({"ip_country_mismatch": True, "is_vpn_ip": False}, []),
        ({"is_blocklisted_device": True}, ["BLACKLISTED_DEVICE"]),
        (
            {"is_night": 1, "cust_count_1h": 12, "is_blocklisted_device": 1},
            ["VELOCITY_BREACH", "UNUSUAL_TIME", "BLACKLISTED_DEVICE"],
        ),
    ],
)
def test_default_rules_fire_on_their_pattern(changes, expected):
    assert hit_names(QUIET | changes) == expected


def test_rule_rejects_unknown_features_with_a_suggestion():
    with pytest.raises(RuleSyntaxError, match="did you mean 'amount'") as caught:
        Rule(name="typo", condition="is_vpn_ip and ammount > 5", action=RuleAction.FLAG, weight=0.1)
    assert caught.value.column == 15


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"action": "block"}, "action must be one of flag, review, decline"),
        ({"weight": 1.5}, "weight must be between 0 and 1"),
        ({"weight": -0.1}, "weight must be between 0 and 1"),
        ({"weight": float("nan")}, "weight must be between 0 and 1"),
    ],
)
def test_rule_validates_its_fields(kwargs, message):
    fields = {"name": "r", "condition": "is_vpn_ip", "action": "flag", "weight": 0.5} | kwargs
    with pytest.raises(ValueError, match=message):
        Rule(**fields)


def test_rule_accepts_action_as_text():
    rule = Rule(name="r", condition="is_vpn_ip", action="decline", weight=1)
    assert rule.action is RuleAction.DECLINE


def test_disabled_rules_do_not_fire_and_order_is_kept():
    rules = [
        Rule(name="second", condition="amount > 10", action="flag", weight=0.2),
        Rule(name="off", condition="amount > 10", action="decline", weight=1.0, enabled=False),
        Rule(name="first", condition="amount > 5", action="review", weight=0.3),
    ]
    assert evaluate_rules(rules, {"amount": 20}) == [
        RuleHit(name="second", action=RuleAction.FLAG, weight=0.2),
        RuleHit(name="first", action=RuleAction.REVIEW, weight=0.3),
    ]


def test_combiner_without_hits_gives_no_action():
    verdict = combine_rule_hits([])
    assert verdict.score == 0.0
    assert verdict.action is None
    assert verdict.hits == ()


@pytest.mark.parametrize(
    ("actions", "strongest"),
    [
        (["flag"], RuleAction.FLAG),
        (["flag", "review"], RuleAction.REVIEW),
        (["review", "flag"], RuleAction.REVIEW),
        (["flag", "decline", "review"], RuleAction.DECLINE),
        (["decline", "flag"], RuleAction.DECLINE),
    ],
)
def test_combiner_picks_the_strongest_action(actions, strongest):
    hits = [RuleHit(name=f"r{index}", action=RuleAction(action), weight=0.01) for index, action in enumerate(actions)]
    assert combine_rule_hits(hits).action is strongest


def test_combiner_adds_weights_and_caps_the_score_at_one():
    medium = [RuleHit(name="a", action=RuleAction.FLAG, weight=0.2), RuleHit(name="b", action=RuleAction.REVIEW, weight=0.3)]
    assert combine_rule_hits(medium).score == pytest.approx(0.5)
    heavy = [*medium, RuleHit(name="c", action=RuleAction.DECLINE, weight=1.0)]
    verdict = combine_rule_hits(iter(heavy))
    assert verdict.score == 1.0
    assert verdict.hits == tuple(heavy)


def test_blocklisted_device_declines_whatever_else_fires():
    verdict = combine_rule_hits(evaluate_rules(DEFAULT_RULES, QUIET | {"amount_zscore": 4, "is_blocklisted_device": True}))
    assert verdict.action is RuleAction.DECLINE
    assert verdict.score == 1.0
