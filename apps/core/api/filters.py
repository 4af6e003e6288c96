"""Filter fields shared by the FilterSets in every app's selectors (used by the API and the portal)."""
from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

EARLIEST_FILTER = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_FILTER = datetime(2200, 1, 1, tzinfo=UTC)


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 bound, converted to UTC.

    Python accepts UTC offsets up to 24 hours and years up to 9999; PostgreSQL refuses offsets
    beyond about 16 hours, so an unconverted value would fail in the database, not in the form.
    """

    def to_python(self, value) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        if not EARLIEST_FILTER <= parsed <= LATEST_FILTER:
            raise ValidationError("Date must be between 1900 and 2200.", code="out_of_range")
        return parsed.astimezone(UTC)


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField
