"""The analysts' condition language: grammar, semantics of missing values, errors, and hostile input."""

from __future__ import annotations

import decimal

import numpy as np
import pandas as pd
import pytest

from ml.fraud.rules_language import (
    MAX_CONDITION_LENGTH,
    MAX_NESTING_DEPTH,
    MAX_NODES,
    RuleSyntaxError,
    compile_condition,
)


def matches(condition: str, **features: object) -> bool:
    return compile_condition(condition).matches(features)


def syntax_error(condition: str, **kwargs: object) -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as caught:
        compile_condition(condition, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("condition", "features", "expected"),
    [
        ("velocity_card_1h >= 5 and amount < 5", {"velocity_card_1h": 5, "amount": 4.99}, True),
        ("velocity_card_1h >= 5 and amount < 5", {"velocity_card_1h": 4, "amount": 4.99}, False),
        ("amount > 3 * median and is_first", {"amount": 31, "median": 10, "is_first": True}, True),
        ("amount > 3 * median and is_first", {"amount": 30, "median": 10, "is_first": True}, False),
        ("amount > 3 * median and is_first", {"amount": 31, "median": 10, "is_first": False}, False),
        ("hour in (0, 1, 2, 3, 4, 5) and amount > 500", {"hour": 3, "amount": 501}, True),
        ("hour in (0, 1, 2, 3, 4, 5) and amount > 500", {"hour": 6, "amount": 501}, False),
        ("hour in [22, 23]", {"hour": 23.0}, True),
        (
            'ip_country != billing_country and country in ("NG", "RU")',
            {"ip_country": "NG", "billing_country": "GB", "country": "RU"},
            True,
        ),
        (
            'ip_country != billing_country and country in ("NG", "RU")',
            {"ip_country": "GB", "billing_country": "GB", "country": "RU"},
            False,
        ),
        ('country not in ("GB", "FR",)', {"country": "NG"}, True),
        ('country not in ("GB", "FR")', {"country": "GB"}, False),
        ("delta in (-1, 0.5, true)", {"delta": -1}, True),
        ("not is_new_device or distinct_ips > 3", {"is_new_device": True, "distinct_ips": 4}, True),
        ("not is_new_device or distinct_ips > 3", {"is_new_device": True, "distinct_ips": 3}, False),
        ("not is_new_device or distinct_ips > 3", {"is_new_device": False, "distinct_ips": 0}, True),
        ('merchant_category == "jewellery"', {"merchant_category": "jewellery"}, True),
        ("merchant_category == 'jewellery'", {"merchant_category": "Jewellery"}, False),
        ('name == "say \\"hi\\" \\\\ o\'k"', {"name": 'say "hi" \\ o\'k'}, True),
        ('city == "Zürich"', {"city": "Zürich"}, True),
        ("1 < amount < 5", {"amount": 4}, True),
        ("1 < amount < 5", {"amount": 5}, False),
        ("1 < amount <= 5 != 6", {"amount": 5}, True),
        ("is_vpn == true and is_new == FALSE", {"is_vpn": True, "is_new": False}, True),
        ("is_vpn AND NOT is_new Or false", {"is_vpn": 1, "is_new": 0}, True),
        ("true", {}, True),
        ("flag", {"flag": 0}, False),
        ("abs(delta) > 5 and abs(-2) == 2", {"delta": -6}, True),
        ("min(a, b, 3) == 1 and max(a, b) == 2", {"a": 1, "b": 2}, True),
        ("round(x) == 3 and round(x, 1) == 2.7 and round(.25, 1) == 0.2", {"x": 2.66}, True),
        ("is_night + is_new_device + is_vpn >= 2", {"is_night": True, "is_new_device": False, "is_vpn": True}, True),
    ],
)
def test_conditions_evaluate_as_analysts_expect(condition, features, expected):
    assert compile_condition(condition).matches(features) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("1 + 2 * 3 == 7", True),
        ("(1 + 2) * 3 == 9", True),
        ("10 - 3 - 2 == 5", True),  # left-associative
        ("8 / 4 / 2 == 1", True),
        ("-2 * -3 == 6 and --2 == 2", True),
        ("7 / 2 == 3.5", True),  # true division, even between whole numbers
        ("true or true and false", True),  # and binds tighter than or
        ("(true or true) and false", False),
        ("not false and false", False),  # not binds tighter than and
        ("not (false and false)", True),
        ("not 1 > 2", True),  # comparison binds tighter than not
        ("1 + 1 in (2, 3)", True),  # arithmetic binds tighter than in
    ],
)
def test_operator_precedence(condition, expected):
    assert matches(condition) is expected


def test_variables_lists_every_feature_the_condition_reads():
    compiled = compile_condition("amount > 3 * median and (country in ('NG') or not is_vpn) and abs(delta) > 1")
    assert compiled.variables == {"amount", "median", "country", "is_vpn", "delta"}


def test_single_element_list_is_a_list_not_a_substring_test():
    assert matches('country in ("NG")', country="NG")
    assert not matches('country in ("NGA")', country="NG")


# --- missing values: a rule never crashes scoring --------------------------------------------------------


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, decimal.Decimal("NaN"), [1], object()])
@pytest.mark.parametrize(
    "condition",
    [
        "x > 1",
        "x < 1",
        "x == 1",
        "x != 1",
        'x != "NG"',
        "x in (1, 2)",
        "x not in (1, 2)",
        "x + 1 > 0",
        "abs(x) >= 0",
        "-x < 100",
        "x",
        "0 < x < 10",
    ],
)
def test_missing_values_make_every_comparison_false(condition, missing):
    assert compile_condition(condition).matches({"x": missing}) is False
    assert compile_condition(condition).matches({}) is False


def test_not_negates_a_missing_flag():
    assert matches("not is_new_device") is True
    assert matches("not (amount > 100)", amount=None) is True


@pytest.mark.parametrize(
    "condition",
    ["amount / count > 2", "amount / (count - count) <= 0", "round(amount / count) == 0", "max(amount / count, 1) >= 1"],
)
def test_division_by_zero_is_missing_not_an_error(condition):
    assert matches(condition, amount=10, count=0) is False
    assert matches(f"not ({condition})", amount=10, count=0) is True


def test_overflow_and_not_a_number_results_are_missing():
    assert not matches("x * 10 > 0", x=1e308 * 10 - 1e308 * 10)  # inf - inf
    assert not matches("x * x - x * x == 0", x=1e200)  # inf - inf is NaN
    assert not matches("x / 3 > 0", x=10**400)  # int too large for a float
    assert not matches("round(x) > 0", x=float("inf"))


def test_comparing_text_with_a_number_is_false_not_an_error():
    assert matches("country > 5", country="NG") is False
    assert matches("country + 1 > 5", country="NG") is False


def test_numpy_and_decimal_values_behave_like_python_numbers():
    features = {"count": np.int64(0), "amount": np.float64(10.0), "flag": np.bool_(True), "fee": decimal.Decimal("2.5")}
    assert compile_condition("amount / count > 1").matches(features) is False  # numpy would give inf
    assert compile_condition("flag and fee * 2 == 5 and amount == 10").matches(features) is True


def test_feature_values_are_only_read_never_called():
    class Booby:
        def __getattr__(self, name):
            raise AssertionError(f"evaluation touched {name}")

        def __gt__(self, other):
            raise AssertionError("evaluation compared a foreign object")

        def __bool__(self):
            raise AssertionError("evaluation took the truth of a foreign object")

    assert compile_condition("x > 1 or x or x in (1, 2) or x + 1 > 0").matches({"x": Booby()}) is False


# --- errors an analyst can act on --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "column", "fragment"),
    [
        ("amount >", 9, "ends too early"),
        ("amount > 5 and", 15, "ends too early"),
        ("amount = 5", 8, "use '=='"),
        ("amount > 5 && is_vpn", 12, "use 'and'"),
        ("amount > 5 || is_vpn", 12, "use 'or'"),
        ("!is_vpn", 1, "use 'not'"),
        ("(amount > 5", 1, "never closed"),
        ("amount > 5)", 11, "no matching '('"),
        ("(amount > 5]", 12, "expected ')'"),
        ("amount 5", 8, "unexpected '5'"),
        ("country == 'NG", 12, "never closed"),
        ("amount % 2 == 0", 8, "unexpected character '%'"),
        ("amount * 2", 1, "'amount * 2' is a number, not a condition"),
        ('"NG"', 1, "is text, not a condition"),
        ("amount + 'x' > 1", 10, "'+' needs numbers"),
        ("'x' * 3 == 'xxx'", 1, "'*' needs numbers"),
        ('amount * 2 > "100"', 1, "one is a number, the other text"),
        ("(amount > 1) == true", 1, "already a condition"),
        ("country in y", 12, "must be followed by a list"),
        ("country in ()", 12, "list after 'in' is empty"),
        ("country in (a, b)", 13, "may only hold numbers, text, true or false"),
        ("x in (1) == true", 10, "can't be chained"),
        ("(1, 2)", 3, "expected ')'"),
        ("[1, 2] == x", 1, "only allowed after 'in'"),
        ("abs(1, 2) > 0", 1, "abs() takes exactly 1 argument"),
        ("max(x) > 0", 1, "max() takes at least 2 arguments"),
        ("round(x, 1, 2) > 0", 1, "round() takes 1 or 2 arguments"),
        ("round(x, y) > 0", 10, "second argument must be a whole number"),
        ("round(x, -1) > 0", 10, "second argument must be a whole number"),
        ("x is None", 3, "use '==' or '!='"),
        ("'\\n' == x", 2, "unsupported escape"),
        ("x > 1.", 6, "'.' is not allowed"),
        ("   ", 1, "empty"),
    ],
)
def test_syntax_errors_say_what_is_wrong_and_where(condition, column, fragment):
    error = syntax_error(condition)
    assert fragment in error.message
    assert error.column == column
    assert str(error) == f"{error.message} (column {column})"


def test_unknown_feature_suggests_close_names():
    error = syntax_error("amout > 5 and is_vpn", known_features={"amount", "amount_zscore", "is_vpn"})
    assert error.column == 1
    assert "unknown feature 'amout'" in error.message
    assert "'amount'" in error.message


def test_unknown_feature_without_close_names_has_no_suggestion():
    error = syntax_error("is_vpn and zzz", known_features={"amount", "is_vpn"})
    assert error.column == 12
    assert error.message == "unknown feature 'zzz'"


def test_known_features_accept_listed_names():
    assert compile_condition("amount > 5", known_features={"amount"}).matches({"amount": 6})


def test_rule_syntax_error_is_a_value_error():
    assert issubclass(RuleSyntaxError, ValueError)


# --- hostile input: rejected at compile time, never executed ------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        "__import__('os').system('touch {marker}')",
        "__builtins__",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "open('{marker}', 'w')",
        "exec(\"open('{marker}', 'w')\")",
        "eval('1')",
        "getattr(x, 'y')",
        "lambda: open('{marker}', 'w')",
        "[open('{marker}', 'w') for _ in (1,)]",
        "{{x for x in y}}",
        "x[0] > 1",
        'f\'{{open("{marker}", "w")}}\'',
        "*x",
        "(y := 1)",
        "10 ** 10 ** 10",
        "2 ** 100000 > 1",
        "x if y else z",
        "import os",
        "x; open('{marker}', 'w')",
        "x > 99999999999999999999",
        "x > " + "9" * 900,
        "'a' * 1000000000 == x",
        'x == "\\x00"',
        "x\x00 > 1",
        "ａmount > 1",  # full-width 'a': Python would normalise it to 'amount'
        "amount > 1 and é",
    ],
)
def test_malicious_conditions_are_rejected_and_never_run(condition, tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(RuleSyntaxError):
        compile_condition(condition.format(marker=marker))
    assert not marker.exists()


def test_deeply_nested_parentheses_are_rejected():
    with pytest.raises(RuleSyntaxError, match="characters long"):
        compile_condition("(" * 10_000 + "x" + ")" * 10_000)
    depth = MAX_NESTING_DEPTH + 1
    error = syntax_error("(" * depth + "x" + ")" * depth)
    assert "nested too deeply" in error.message
    assert error.column == depth


@pytest.mark.parametrize("prefix", ["not ", "-", "abs("])
def test_deep_nesting_of_any_kind_is_rejected(prefix):
    condition = prefix * 150 + "x" + (")" * 150 if prefix == "abs(" else "") + ("" if prefix == "not " else " > 1")
    assert "nested too deeply" in syntax_error(condition).message


def test_nesting_up_to_the_limit_is_allowed():
    depth = MAX_NESTING_DEPTH
    assert matches("(" * depth + "x > 1" + ")" * depth, x=2)


def test_very_long_input_is_rejected_before_parsing():
    error = syntax_error("x > 1 and " * 200 + "x > 1")
    assert error.column == MAX_CONDITION_LENGTH + 1
    assert compile_condition("x > 1 " + " " * (MAX_CONDITION_LENGTH - 6)).matches({"x": 2})


def test_too_many_parts_is_rejected():
    error = syntax_error("x" + "+x" * MAX_NODES + " > 1")
    assert "too complex" in error.message


def test_null_byte_is_rejected_with_its_position():
    error = syntax_error("amount\x00 > 1")
    assert error.column == 7
    assert "null byte" in error.message


def test_non_ascii_identifier_is_rejected_with_its_position():
    error = syntax_error("is_vpn and montañt > 1")
    assert error.column == 17
    assert "ASCII" in error.message


def test_dunder_and_private_names_are_rejected_even_without_a_feature_list():
    assert "may not start with '_'" in syntax_error("__class__").message
    assert "may not start with '_'" in syntax_error("_secret > 1").message
