"""What every analytics dashboard is narrowed by: merchants in scope, a date range, a segment, a category.

Resolved once per request (from the portal's GET form or the API's query serializer) so both
read exactly the same rows. The merchant part always goes through the tenancy scope: a merchant
outside it cannot be named, and "all merchants" means all the merchants the user may see.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Max, Q, QuerySet

from apps.analytics.models import DailyMerchantKPI
from apps.catalog.models import PATH_SEPARATOR, Category
from apps.core.tenancy import merchant_ids_for_user
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_list

if TYPE_CHECKING:
    from apps.accounts.models import User

DEFAULT_DAYS = 90
MAX_DAYS = 731
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)
DAY_VALIDATORS = [
    MinValueValidator(EARLIEST_DAY, message=f"Choose a day from {EARLIEST_DAY} on."),
    MaxValueValidator(LATEST_DAY, message=f"Choose a day up to {LATEST_DAY}."),
]
"""Bounds on a requested day: far-away dates hold no data, and comparing with the previous period
of a range starting in year 340 ran off the calendar (an OverflowError, found by schema fuzzing)."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    merchant_ids: tuple[int, ...] | None
    """None: every merchant (platform staff without a merchant filter)"""
    segment: str | None = None
    category: Category | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The same number of days just before this range."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    def for_merchant(self, merchant_id: int) -> Filters:
        return replace(self, merchant_ids=(merchant_id,))

    def rows(self, queryset: QuerySet, *, day_field: str | None = "day") -> QuerySet:
        """A rollup queryset narrowed to these merchants (and days)."""
        if self.merchant_ids is not None:
            queryset = queryset.filter(merchant_id__in=self.merchant_ids)
        if day_field:
            queryset = queryset.filter(**{f"{day_field}__gte": self.start, f"{day_field}__lte": self.end})
        return queryset

    def category_q(self, field: str = "category") -> Q:
        """Rows of the chosen category or any category below it (everything without a choice)."""
        if self.category is None:
            return Q()
        path = self.category.path
        return Q(**{f"{field}__path": path}) | Q(**{f"{field}__path__startswith": path + PATH_SEPARATOR})


def merchants_in_scope(user: User, slug: str | None = None) -> QuerySet[Merchant]:
    merchants = merchant_list(user=user)
    return merchants.filter(slug=slug) if slug else merchants


def latest_day(merchant_ids: tuple[int, ...] | None) -> date | None:
    rows = DailyMerchantKPI.objects.all()
    if merchant_ids is not None:
        rows = rows.filter(merchant_id__in=merchant_ids)
    return rows.aggregate(last=Max("day"))["last"]


def filters_resolve(
    *,
    user: User,
    today: date,
    start: date | None = None,
    end: date | None = None,
    merchant: Merchant | None = None,
    segment: str | None = None,
    category: Category | None = None,
) -> Filters:
    """Defaults: the `DEFAULT_DAYS` up to the last day with data (or today), all merchants in scope."""
    if merchant is not None:
        ids: tuple[int, ...] | None = (merchant.pk,)
    else:
        scoped = merchant_ids_for_user(user)
        ids = None if scoped is None else tuple(scoped)
    end = end or latest_day(ids) or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    return Filters(start=start, end=end, merchant_ids=ids, segment=segment or None, category=category)
