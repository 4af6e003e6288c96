"""What a compiled condition does at run time: closures over the feature mapping, and the missing-value rules.

A rule must never crash scoring, whatever the feature row holds, so:

* a feature that is absent, None, NaN or not a number/text/boolean is *missing* (``normalise``);
* arithmetic with a missing operand, a division by zero or an overflow gives *missing*;
* every comparison involving a missing value is False: ``==``, ``!=``, ``<``..., ``in`` and ``not in``
  alike, so ``country != "NG"`` does not fire when the country is unknown;
* a missing feature used as a condition on its own counts as False, and ``not`` negates that, so
  ``not is_new_device`` fires when the flag is missing.
"""

from __future__ import annotations

import decimal
import math
import numbers
import operator
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

Features = Mapping[str, object]
Evaluator = Callable[[Features], object]
Predicate = Callable[[Features], bool]
Comparison = Callable[[object, object], bool]


def normalise(value: object) -> object:
    """Reduce a feature value to a plain int, float, bool, str or None (missing).

    Then no operator below can raise on an exotic value (pandas.NA, Decimal("NaN"), a list) and numpy
    scalars behave like Python numbers (numpy divides by zero into inf with a warning instead of raising).
    """
    if value is None:
        return None
    kind = type(value)
    if kind is int or kind is bool or kind is str:
        return value
    if kind is float:
        return None if math.isnan(value) else value
    if isinstance(value, np.generic):
        return normalise(value.item())
    if isinstance(value, numbers.Real | decimal.Decimal):
        try:
            return normalise(float(value))
        except (ValueError, OverflowError):
            return None
    if isinstance(value, str):
        return str(value)
    return None


def is_number(value: object) -> bool:
    return isinstance(value, int | float)


def safe_compare(comparison: Comparison, left: object, right: object) -> bool:
    if left is None or right is None:
        return False
    try:
        return comparison(left, right)
    except TypeError:  # text against a number
        return False


def read_feature(name: str) -> Evaluator:
    def evaluate(features: Features) -> object:
        return normalise(features.get(name))

    return evaluate


def constant(value: object) -> Evaluator:
    def evaluate(features: Features) -> object:
        return value

    return evaluate


def as_bool(evaluator: Evaluator) -> Predicate:
    def evaluate(features: Features) -> bool:
        return bool(evaluator(features))  # missing (None) is False

    return evaluate


def any_of(predicates: tuple[Predicate, ...]) -> Predicate:
    def evaluate(features: Features) -> bool:
        for predicate in predicates:
            if predicate(features):
                return True
        return False

    return evaluate


def all_of(predicates: tuple[Predicate, ...]) -> Predicate:
    def evaluate(features: Features) -> bool:
        for predicate in predicates:
            if not predicate(features):
                return False
        return True

    return evaluate


def negate(predicate: Predicate) -> Predicate:
    def evaluate(features: Features) -> bool:
        return not predicate(features)

    return evaluate


def chain(first: Evaluator, steps: tuple[tuple[Comparison, Evaluator], ...]) -> Predicate:
    """``a < b <= c`` means ``a < b and b <= c`` with ``b`` evaluated once, as in mathematics."""

    def evaluate(features: Features) -> bool:
        left = first(features)
        for comparison, operand in steps:
            right = operand(features)
            if not safe_compare(comparison, left, right):
                return False
            left = right
        return True

    return evaluate


def member_of(operand: Evaluator, values: frozenset[object], negated: bool) -> Predicate:
    def evaluate(features: Features) -> bool:
        value = operand(features)
        if value is None:
            return False
        return (value in values) != negated

    return evaluate


def arithmetic(first: Evaluator, steps: tuple[tuple[Callable[[float, float], float], Evaluator], ...]) -> Evaluator:
    def evaluate(features: Features) -> object:
        result = first(features)
        for apply, operand in steps:
            value = operand(features)
            if not (is_number(result) and is_number(value)):
                return None
            try:
                result = apply(result, value)
            except ArithmeticError:  # division by zero, int too large for a float
                return None
        return None if result != result else result  # inf - inf is NaN: missing

    return evaluate


def negative(operand: Evaluator) -> Evaluator:
    def evaluate(features: Features) -> object:
        value = operand(features)
        return -value if is_number(value) else None

    return evaluate


def function_call(apply: Callable[[list[float]], float], arguments: tuple[Evaluator, ...]) -> Evaluator:
    def evaluate(features: Features) -> object:
        values = [argument(features) for argument in arguments]
        if not all(is_number(value) for value in values):
            return None
        try:
            return apply(values)
        except ArithmeticError:  # round(inf)
            return None

    return evaluate


@dataclass(frozen=True)
class Function:
    argument_counts: range
    described: str  # how many arguments, for the error message
    apply: Callable[[list[float]], float]


FUNCTIONS = {
    "abs": Function(range(1, 2), "exactly 1 argument", lambda values: abs(values[0])),
    "min": Function(range(2, sys.maxsize), "at least 2 arguments", min),
    "max": Function(range(2, sys.maxsize), "at least 2 arguments", max),
    "round": Function(range(1, 3), "1 or 2 arguments", lambda values: round(*values)),
}
COMPARATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
