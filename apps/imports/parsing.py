"""Turning CSV cells into typed values.

Every parser takes the stripped, non-empty text of one cell and returns the value or raises
ValueError with a message a merchant can act on; the caller prefixes the column name.
Parsers are plain functions (or small factories of them) so a column table can name them.
"""
from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from apps.catalog.models import PATH_SEPARATOR
from apps.core.api.fields import EARLIEST_TIMESTAMP, FUTURE_TOLERANCE, MAX_AMOUNT, external_id_validator

Parser = Callable[[str], Any]

TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n"})
CENT = Decimal("0.01")


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"at most {max_length} characters (got {len(value)})")
        return value

    return parse


def identifier(value: str) -> str:
    """External ids follow the API's alphabet and length, so every imported id is reachable by URL."""
    if len(value) > 64:
        raise ValueError(f"at most 64 characters (got {len(value)})")
    if not external_id_validator.regex.search(value):
        raise ValueError(f"{external_id_validator.message} (got {value!r})")
    return value


def pattern(regex: str, hint: str) -> Parser:
    compiled = re.compile(regex)

    def parse(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{hint} (got {value!r})")
        return value

    return parse


def upper_code(length: int, what: str) -> Parser:
    """Country (2 letters) and currency (3 letters) codes, accepted in any case."""

    def parse(value: str) -> str:
        code = value.upper()
        if len(code) != length or not code.isascii() or not code.isalpha():
            raise ValueError(f"must be a {length}-letter {what} code (got {value!r})")
        return code

    return parse


country = upper_code(2, "ISO 3166-1 country")
currency = upper_code(3, "ISO 4217 currency")


def choice(allowed: list[str]) -> Parser:
    def parse(value: str) -> str:
        lowered = value.lower()
        if lowered not in allowed:
            raise ValueError(f"unknown value {value!r}; expected one of {', '.join(allowed)}")
        return lowered

    return parse


def boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError(f"must be 1/0, true/false or yes/no (got {value!r})")


def integer(minimum: int, maximum: int) -> Parser:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"must be a whole number (got {value!r})") from None
        if not minimum <= number <= maximum:
            raise ValueError(f"must be between {minimum} and {maximum} (got {number})")
        return number

    return parse


def money(value: str) -> Decimal:
    """A non-negative amount with at most two decimals, capped like the API's; NaN, infinities and 1e5 are refused."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"must be a number like 19.99 (got {value!r})") from None
    if not amount.is_finite() or "e" in value.lower():
        raise ValueError(f"must be a plain number like 19.99 (got {value!r})")
    if amount < 0:
        raise ValueError(f"must not be negative (got {value})")
    if amount != amount.quantize(CENT):
        raise ValueError(f"at most two decimal places (got {value})")
    if amount > MAX_AMOUNT:
        raise ValueError(f"at most {MAX_AMOUNT} (got {value})")
    return amount.quantize(CENT)


def coordinate(limit: int) -> Parser:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"must be a decimal number (got {value!r})") from None
        if not math.isfinite(number):
            raise ValueError(f"must be a finite number (got {value!r})")
        if not -limit <= number <= limit:
            raise ValueError(f"out of range -{limit}..{limit} (got {value})")
        return number

    return parse


latitude = coordinate(90)
longitude = coordinate(180)


def timestamp(value: str) -> datetime:
    """ISO 8601 date or date-time in the API's plausible window; a time without an offset is read as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date/time like 2024-05-01T09:30:00Z (got {value!r})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not EARLIEST_TIMESTAMP <= moment <= timezone.now() + FUTURE_TOLERANCE:
        raise ValueError(f"must be between {EARLIEST_TIMESTAMP.date()} and one day from now (got {value!r})")
    return moment.astimezone(UTC)


def ip_address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValueError(f"not an IPv4 or IPv6 address (got {value!r})") from None


def email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(f"not an email address (got {value!r})") from None
    if len(value) > 254:
        raise ValueError("at most 254 characters")
    return value


def card_token(value: str) -> str:
    """Card ids must be tokens or fingerprints: a raw card number must never be stored."""
    digits = value.replace(" ", "").replace("-", "")
    if digits.isdigit() and 13 <= len(digits) <= 19 and _passes_luhn(digits):
        raise ValueError("looks like a card number; send the gateway's card token or fingerprint instead")
    return identifier(value)


def _passes_luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def word_list(value: str) -> list[str]:
    """Semicolon-separated names ("gift; personalised"), trimmed, duplicates dropped, order kept."""
    names = list(dict.fromkeys(part.strip() for part in value.split(";") if part.strip()))
    too_long = [name for name in names if len(name) > 64]
    if too_long:
        raise ValueError(f"each entry at most 64 characters (got {too_long[0]!r})")
    return names


def attributes(value: str) -> dict[str, Any]:
    """A JSON object, or the spreadsheet-friendly "material=ceramic;colour=white"."""
    if value.startswith("{"):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"invalid JSON ({exc.msg} at character {exc.pos})") from None
        if not isinstance(parsed, dict):
            raise ValueError("must be a JSON object")
        return parsed
    pairs: dict[str, Any] = {}
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        key, sep, item = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"expected key=value pairs separated by ';' or a JSON object (got {part!r})")
        pairs[key.strip()] = item.strip()
    return pairs


def category_path(value: str) -> str:
    """A taxonomy path "Home > Drinkware > Mugs", normalised to single spaces around '>'."""
    parts = [part.strip() for part in value.split(">")]
    if not all(parts):
        raise ValueError(f"must be names separated by ' > ' (got {value!r})")
    too_long = [part for part in parts if len(part) > 100]
    if too_long:
        raise ValueError(f"each level at most 100 characters (got {too_long[0][:20]!r}…)")
    path = PATH_SEPARATOR.join(parts)
    if len(path) > 400:
        raise ValueError("at most 400 characters")
    return path
