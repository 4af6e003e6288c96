"""Serializer fields that turn hostile input into field errors instead of database errors.

Every amount is capped (a typo of ten zeros must not reach reports), every timestamp must
lie in a plausible window, every id has a fixed alphabet and length, and free-form JSON is
bounded in size.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.validators import RegexValidator
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_AMOUNT = Decimal("1000000")
EARLIEST_TIMESTAMP = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))
# Clients' clocks drift; a day ahead is tolerated, more is a bug in the sender.
FUTURE_TOLERANCE = timedelta(days=1)
MAX_JSON_OBJECT_BYTES = 16 * 1024

external_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.:@-]*$", "Use letters, digits and _ . : @ - (starting with a letter or digit)."
)
# Router lookups accept the same alphabet, so every stored id is reachable by URL.
EXTERNAL_ID_URL_REGEX = r"[A-Za-z0-9][A-Za-z0-9_.:@-]*"


class ExternalIdField(serializers.CharField):
    """An id from the merchant's own systems: a short string (numbers are refused, not coerced,
    because 12.50 and "12.5" would silently become different ids)."""

    default_error_messages = {"not_string": "Expected a string id."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.validators.append(external_id_validator)

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("not_string")
        return super().to_internal_value(data)


class MoneyField(serializers.DecimalField):
    """A non-negative amount with two decimals, at most MAX_AMOUNT; NaN and Infinity are refused by DRF."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(**kwargs)


class PlausibleDateTimeField(serializers.DateTimeField):
    """An ISO 8601 timestamp between 2000 and tomorrow."""

    default_error_messages = {
        "implausible": "Timestamp must be between {earliest} and one day from now.",
    }

    def to_internal_value(self, value) -> datetime:
        parsed = super().to_internal_value(value)
        if not EARLIEST_TIMESTAMP <= parsed <= timezone.now() + FUTURE_TOLERANCE:
            self.fail("implausible", earliest=EARLIEST_TIMESTAMP.date().isoformat())
        return parsed


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.JSONField):
    """A JSON object (not a list or scalar) of bounded size."""

    default_error_messages = {
        "not_object": "Expected a JSON object.",
        "too_large": f"At most {MAX_JSON_OBJECT_BYTES} bytes of JSON.",
        "bad_characters": "Text may not contain NUL or unpaired surrogate characters.",
    }

    def to_internal_value(self, data) -> dict:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_object")
        if len(json.dumps(value)) > MAX_JSON_OBJECT_BYTES:
            self.fail("too_large")
        if any(_UNSTORABLE.search(text) for text in _strings_in(value)):
            self.fail("bad_characters")
        return value


# PostgreSQL's jsonb cannot hold these although JSON can encode them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _strings_in(value) -> Iterator[str]:
    """Every key and string value in a parsed JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)
