"""The condition language analysts type into the portal, e.g. ``amount > 3 * amount_to_median and is_new_card``.

Conditions are untrusted input, so they are never handed to ``eval``/``exec`` or even to Python's own
parser: a small grammar we own accepts exactly the language below and nothing of Python (no attribute
access, subscripts, arbitrary calls, power operator, lambdas, comprehensions, f-strings, or identifiers
that Unicode normalisation would quietly turn into other names). Errors speak the analyst's language and
carry a 1-based column. A condition is compiled once into plain closures that only ever *read* the
feature mapping, so evaluating it many times is cheap.

Grammar, loosest binding first (keywords are case-insensitive)::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)*   -- chained: a < b < c
                | sum ["not"] "in" list
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | TEXT | "true" | "false" | FEATURE | FUNCTION "(" args ")" | "(" or ")"
    list       := "(" literal ("," literal)* [","] ")"  |  the same between "[" and "]"
    FUNCTION   := abs | min | max | round

What happens with missing values, division by zero and the like is described in ``rules_evaluators``:
in short, a rule never crashes scoring.
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import Enum

from ml.fraud.rules_evaluators import (
    ARITHMETIC,
    COMPARATORS,
    FUNCTIONS,
    Evaluator,
    Features,
    Predicate,
    all_of,
    any_of,
    arithmetic,
    as_bool,
    chain,
    constant,
    function_call,
    member_of,
    negate,
    negative,
    read_feature,
)

MAX_CONDITION_LENGTH = 1_000
MAX_NESTING_DEPTH = 32
MAX_NODES = 300
MAX_NUMBER = 10**15
MAX_ROUND_DIGITS = 10


class RuleSyntaxError(ValueError):
    """A condition the analyst has to fix; ``column`` (1-based) lets the portal point at the spot."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.message = message
        self.column = column


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A checked condition compiled to closures: compile once, call ``matches`` on every transaction."""

    source: str
    variables: frozenset[str]
    predicate: Predicate = field(repr=False, compare=False)

    def matches(self, features: Features) -> bool:
        return self.predicate(features)


def compile_condition(source: str, *, known_features: frozenset[str] | set[str] | None = None) -> CompiledCondition:
    """Parse, check and compile ``source``; with ``known_features``, any other name is an error with suggestions."""
    if len(source) > MAX_CONDITION_LENGTH:
        raise RuleSyntaxError(
            f"the condition is {len(source):,} characters long; the limit is {MAX_CONDITION_LENGTH:,}",
            MAX_CONDITION_LENGTH + 1,
        )
    null_byte = source.find("\x00")
    if null_byte >= 0:
        raise RuleSyntaxError("the condition contains a null byte", null_byte + 1)
    if not source.strip():
        raise RuleSyntaxError("the condition is empty", 1)
    parser = _Parser(source, None if known_features is None else frozenset(known_features))
    predicate = parser.parse()
    return CompiledCondition(source=source, variables=frozenset(parser.variables), predicate=predicate)


# --- tokens -----------------------------------------------------------------------------------------------

_TOKEN_PATTERN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<text>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<comparator>==|!=|<=|>=|<|>)
    | (?P<mistake>\*\*|//|&&|\|\||[&|=!.])
    | (?P<punctuation>[-+*/()\[\],])
    """,
    re.VERBOSE | re.ASCII,
)
_ESCAPE_PATTERN = re.compile(r"\\(.)", re.DOTALL)

# Things analysts coming from SQL, Excel or Python tend to type, with what to write instead.
_MISTAKES = {
    "**": "the power operator '**' is not supported",
    "//": "'//' is not supported; use '/' to divide",
    "&&": "use 'and' instead of '&&'",
    "&": "use 'and' instead of '&'",
    "||": "use 'or' instead of '||'",
    "|": "use 'or' instead of '|'",
    "=": "use '==' to test equality",
    "!": "use 'not' instead of '!'",
    ".": "'.' is not allowed here: write feature names, numbers and text only",
}
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number | text | name | keyword | op | end
    text: str
    start: int  # 0-based offset into the source
    end: int
    value: object = None

    @property
    def column(self) -> int:
        return self.start + 1


def _tokenize(source: str) -> Iterator[_Token]:
    position = 0
    while position < len(source):
        match = _TOKEN_PATTERN.match(source, position)
        if match is None:
            raise _unexpected_character(source, position)
        start, position, text, group = match.start(), match.end(), match.group(), match.lastgroup
        if group == "space":
            continue
        if group == "mistake":
            raise RuleSyntaxError(_MISTAKES[text], start + 1)
        if group == "number":
            yield _Token("number", text, start, position, _parse_number(text, start))
        elif group == "text":
            yield _Token("text", text, start, position, _unescape(text[1:-1], start))
        elif group == "name" and text.lower() in _KEYWORDS:
            yield _Token("keyword", text.lower(), start, position)
        elif group == "name":
            _check_name(text, start)
            yield _Token("name", text, start, position)
        else:
            yield _Token("op", text, start, position)
    yield _Token("end", "", len(source), len(source))


def _unexpected_character(source: str, position: int) -> RuleSyntaxError:
    character = source[position]
    if character in "\"'":
        return RuleSyntaxError(f"this text is never closed; end it with {character}", position + 1)
    if not character.isascii() and character.isalpha():
        return RuleSyntaxError(
            f"unexpected character {character!r}: feature names use only ASCII letters, digits and '_'", position + 1
        )
    return RuleSyntaxError(f"unexpected character {character!r}", position + 1)


def _parse_number(text: str, start: int) -> int | float:
    value = float(text) if "." in text else int(text)
    if value > MAX_NUMBER:
        raise RuleSyntaxError(f"the number {_shorten(text)} is too large; the limit is {MAX_NUMBER:,}", start + 1)
    return value


def _unescape(body: str, quote_start: int) -> str:
    def unescape_one(match: re.Match[str]) -> str:
        if match.group(1) not in "\\\"'":
            raise RuleSyntaxError(
                f"unsupported escape '\\{match.group(1)}' in text; only \\\\, \\\" and \\' are allowed",
                quote_start + match.start() + 2,
            )
        return match.group(1)

    return _ESCAPE_PATTERN.sub(unescape_one, body)


def _check_name(name: str, start: int) -> None:
    if name.startswith("_"):
        raise RuleSyntaxError(f"'{name}': names may not start with '_'", start + 1)
    if name == "is":
        raise RuleSyntaxError("use '==' or '!=' instead of 'is'", start + 1)
    if keyword.iskeyword(name):
        raise RuleSyntaxError(f"'{name}' is not part of the rules language", start + 1)


def _shorten(text: str, limit: int = 40) -> str:
    """Source quoted in a message: enough to recognise, never the whole 1,000 characters."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the condition"
    return f"the text {token.text}" if token.kind == "text" else f"'{token.text}'"


# --- parser -------------------------------------------------------------------------------------------------


class _Kind(Enum):
    CONDITION = "a condition"
    BOOLEAN = "true or false"
    NUMBER = "a number"
    TEXT = "text"
    FEATURE = "a feature"


@dataclass(frozen=True)
class _Expr:
    kind: _Kind
    evaluate: Evaluator
    start: int
    end: int
    number: int | float | None = None  # the value of a number literal, known at compile time


class _Parser:
    """Recursive descent over the token list, compiling each construct to a closure as it is recognised.

    Nesting (parentheses, ``not``, unary minus, calls) is capped at MAX_NESTING_DEPTH so recursion stays far
    below Python's limit; runs of ``and``/``or``/``+``/``*`` are loops, so they add no depth at all.
    """

    def __init__(self, source: str, known_features: frozenset[str] | None) -> None:
        self._source = source
        self._known_features = known_features
        self._tokens = list(_tokenize(source))
        self._index = 0
        self._depth = 0
        self._nodes = 0
        self.variables: set[str] = set()

    def parse(self) -> Predicate:
        expression = self._or()
        token = self._peek()
        if token.text == ")":
            raise RuleSyntaxError("this ')' has no matching '('", token.column)
        if token.kind != "end":
            raise RuleSyntaxError(f"unexpected {_describe(token)}: expected an operator, 'and', 'or' or the end", token.column)
        return self._condition(expression)

    # token plumbing

    def _peek(self, ahead: int = 0) -> _Token:
        return self._tokens[min(self._index + ahead, len(self._tokens) - 1)]

    def _at(self, kind: str, *texts: str) -> bool:
        token = self._peek()
        return token.kind == kind and (not texts or token.text in texts)

    def _advance(self) -> _Token:
        token = self._tokens[self._index]
        self._index += 1
        return token

    def _text_of(self, expression: _Expr) -> str:
        return _shorten(self._source[expression.start : expression.end].strip())

    @contextmanager
    def _nested(self, token: _Token) -> Iterator[None]:
        self._depth += 1
        if self._depth > MAX_NESTING_DEPTH:
            raise RuleSyntaxError(f"the condition is nested too deeply (more than {MAX_NESTING_DEPTH} levels)", token.column)
        try:
            yield
        finally:
            self._depth -= 1

    def _count_node(self, start: int) -> None:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise RuleSyntaxError(
                f"the condition is too complex (more than {MAX_NODES} parts); split it into several rules", start + 1
            )

    def _node(self, kind: _Kind, evaluate: Evaluator, start: int, number: int | float | None = None) -> _Expr:
        self._count_node(start)
        return _Expr(kind, evaluate, start, self._tokens[self._index - 1].end, number)

    # type checks, so mistakes surface when the rule is saved rather than as a rule that never fires

    def _condition(self, expression: _Expr) -> Predicate:
        if expression.kind is _Kind.CONDITION:
            return expression.evaluate
        if expression.kind in (_Kind.BOOLEAN, _Kind.FEATURE):
            return as_bool(expression.evaluate)
        raise RuleSyntaxError(
            f"'{self._text_of(expression)}' is {expression.kind.value}, not a condition; "
            "compare it with something, e.g. 'amount > 100'",
            expression.start + 1,
        )

    def _comparable(self, expression: _Expr) -> _Expr:
        if expression.kind is _Kind.CONDITION:
            raise RuleSyntaxError(
                f"'{self._text_of(expression)}' is already a condition; combine conditions with and/or/not",
                expression.start + 1,
            )
        return expression

    def _numeric(self, expression: _Expr, operation: str) -> _Expr:
        if expression.kind not in (_Kind.NUMBER, _Kind.FEATURE):
            raise RuleSyntaxError(
                f"{operation} needs numbers, but '{self._text_of(expression)}' is {expression.kind.value}",
                expression.start + 1,
            )
        return expression

    # grammar, loosest binding first

    def _or(self) -> _Expr:
        return self._logical("or", self._and, any_of)

    def _and(self) -> _Expr:
        return self._logical("and", self._not, all_of)

    def _logical(
        self, word: str, parse_operand: Callable[[], _Expr], combine: Callable[[tuple[Predicate, ...]], Predicate]
    ) -> _Expr:
        first = parse_operand()
        if not self._at("keyword", word):
            return first
        predicates = [self._condition(first)]
        while self._at("keyword", word):
            self._advance()
            predicates.append(self._condition(parse_operand()))
        return self._node(_Kind.CONDITION, combine(tuple(predicates)), first.start)

    def _not(self) -> _Expr:
        token = self._peek()
        if not (token.kind == "keyword" and token.text == "not"):
            return self._comparison()
        self._advance()
        with self._nested(token):
            operand = self._condition(self._not())
        return self._node(_Kind.CONDITION, negate(operand), token.start)

    def _at_membership(self) -> bool:
        return self._at("keyword", "in") or (self._at("keyword", "not") and self._peek(1).text == "in")

    def _comparison(self) -> _Expr:
        first = self._sum()
        if self._at_membership():
            return self._membership(first)
        if not self._at("op", *COMPARATORS):
            return first
        operands = [self._comparable(first)]
        steps = []
        while self._at("op", *COMPARATORS):
            compare = COMPARATORS[self._advance().text]
            operand = self._comparable(self._sum())
            kinds = {operands[-1].kind, operand.kind}
            if kinds == {_Kind.NUMBER, _Kind.TEXT}:
                raise RuleSyntaxError(
                    f"'{self._text_of(operands[-1])}' and '{self._text_of(operand)}' can't be compared: "
                    "one is a number, the other text",
                    operands[-1].start + 1,
                )
            operands.append(operand)
            steps.append((compare, operand.evaluate))
        self._refuse_chained_membership()
        return self._node(_Kind.CONDITION, chain(first.evaluate, tuple(steps)), first.start)

    def _membership(self, left: _Expr) -> _Expr:
        operand = self._comparable(left)
        negated = self._at("keyword", "not")
        if negated:
            self._advance()
        values = self._literal_list(self._advance())
        self._refuse_chained_membership()
        return self._node(_Kind.CONDITION, member_of(operand.evaluate, values, negated), left.start)

    def _refuse_chained_membership(self) -> None:
        if self._at_membership() or self._at("op", *COMPARATORS):
            raise RuleSyntaxError("'in' can't be chained with another comparison; join the two with 'and'", self._peek().column)

    def _literal_list(self, in_token: _Token) -> frozenset[object]:
        opening = self._peek()
        if not (opening.kind == "op" and opening.text in ("(", "[")):
            raise RuleSyntaxError(
                f'\'in\' must be followed by a list of values, e.g. in ("NG", "RU"), not {_describe(opening)}',
                opening.column,
            )
        self._advance()
        closing = ")" if opening.text == "(" else "]"
        values: list[object] = []
        while not self._at("op", closing):
            self._count_node(self._peek().start)
            values.append(self._literal())
            if not self._at("op", ","):
                break
            self._advance()
        self._expect_closing(opening, closing)
        if not values:
            raise RuleSyntaxError(f"the list after '{in_token.text}' is empty", opening.column)
        return frozenset(values)

    def _literal(self) -> object:
        token = self._advance()
        if token.kind in ("number", "text"):
            return token.value
        if token.kind == "keyword" and token.text in ("true", "false"):
            return token.text == "true"
        if token.text == "-" and self._at("number"):
            return -self._advance().value
        raise RuleSyntaxError(
            f"a list after 'in' may only hold numbers, text, true or false; found {_describe(token)}", token.column
        )

    def _expect_closing(self, opening: _Token, closing: str) -> None:
        token = self._peek()
        if token.kind == "op" and token.text == closing:
            self._advance()
            return
        if token.kind == "end":
            raise RuleSyntaxError(f"the '{opening.text}' at column {opening.column} is never closed", opening.column)
        raise RuleSyntaxError(
            f"expected '{closing}' to close the '{opening.text}' at column {opening.column}, found {_describe(token)}",
            token.column,
        )

    def _sum(self) -> _Expr:
        return self._arithmetic(("+", "-"), self._product)

    def _product(self) -> _Expr:
        return self._arithmetic(("*", "/"), self._unary)

    def _arithmetic(self, operators: tuple[str, ...], parse_operand: Callable[[], _Expr]) -> _Expr:
        first = parse_operand()
        if not self._at("op", *operators):
            return first
        self._numeric(first, f"'{self._peek().text}'")
        steps = []
        while self._at("op", *operators):
            symbol = self._advance().text
            operand = self._numeric(parse_operand(), f"'{symbol}'")
            steps.append((ARITHMETIC[symbol], operand.evaluate))
        return self._node(_Kind.NUMBER, arithmetic(first.evaluate, tuple(steps)), first.start)

    def _unary(self) -> _Expr:
        token = self._peek()
        if not (token.kind == "op" and token.text == "-"):
            return self._primary()
        self._advance()
        with self._nested(token):
            operand = self._numeric(self._unary(), "'-'")
        if operand.number is not None:
            return self._node(_Kind.NUMBER, constant(-operand.number), token.start, -operand.number)
        return self._node(_Kind.NUMBER, negative(operand.evaluate), token.start)

    def _primary(self) -> _Expr:
        token = self._peek()
        if token.kind == "end":
            previous = self._tokens[self._index - 1] if self._index else token
            raise RuleSyntaxError(f"the condition ends too early: expected a value after {_describe(previous)}", token.column)
        self._advance()
        if token.kind == "number":
            return self._node(_Kind.NUMBER, constant(token.value), token.start, token.value)
        if token.kind == "text":
            return self._node(_Kind.TEXT, constant(token.value), token.start)
        if token.kind == "keyword" and token.text in ("true", "false"):
            return self._node(_Kind.BOOLEAN, constant(token.text == "true"), token.start)
        if token.kind == "name":
            return self._call(token) if self._at("op", "(") else self._feature(token)
        if token.text == "(":
            with self._nested(token):
                inner = self._or()
            self._expect_closing(token, ")")
            return replace(inner, start=token.start, end=self._tokens[self._index - 1].end)
        if token.text == "[":
            raise RuleSyntaxError("a list in [...] is only allowed after 'in'", token.column)
        raise RuleSyntaxError(f"expected a number, text, feature or '(' but found {_describe(token)}", token.column)

    def _feature(self, token: _Token) -> _Expr:
        name = token.text
        if self._known_features is not None and name not in self._known_features:
            suggestions = difflib.get_close_matches(name, self._known_features, n=3)
            hint = f"; did you mean {' or '.join(repr(match) for match in suggestions)}?" if suggestions else ""
            raise RuleSyntaxError(f"unknown feature '{name}'{hint}", token.column)
        self.variables.add(name)
        return self._node(_Kind.FEATURE, read_feature(name), token.start)

    def _call(self, name: _Token) -> _Expr:
        function = FUNCTIONS.get(name.text)
        if function is None:
            raise RuleSyntaxError(
                f"unknown function '{name.text}'; available functions: {', '.join(sorted(FUNCTIONS))}", name.column
            )
        opening = self._advance()
        arguments: list[_Expr] = []
        with self._nested(opening):
            while not self._at("op", ")"):
                arguments.append(self._numeric(self._or(), f"{name.text}()"))
                if not self._at("op", ","):
                    break
                self._advance()
        self._expect_closing(opening, ")")
        if len(arguments) not in function.argument_counts:
            raise RuleSyntaxError(f"{name.text}() takes {function.described}, got {len(arguments)}", name.column)
        if name.text == "round" and len(arguments) == 2:
            self._check_round_digits(arguments[1])
        evaluators = tuple(argument.evaluate for argument in arguments)
        return self._node(_Kind.NUMBER, function_call(function.apply, evaluators), name.start)

    def _check_round_digits(self, digits: _Expr) -> None:
        """Digits must be a small literal: round(5, -10**9) would build a huge power of ten."""
        if not (isinstance(digits.number, int) and 0 <= digits.number <= MAX_ROUND_DIGITS):
            raise RuleSyntaxError(
                f"round()'s second argument must be a whole number from 0 to {MAX_ROUND_DIGITS}", digits.start + 1
            )
