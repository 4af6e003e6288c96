"""Reads for fraud scoring: payment history as the feature code expects it, and assessments."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import django_filters
import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast, Extract
from django.shortcuts import get_object_or_404

from apps.core.api.filters import UTCDateTimeFilter
from apps.core.tenancy import scope_for_user
from apps.fraud.models import Assessment, Decision, ListEntry, Rule
from apps.orders.models import Payment

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def epoch_seconds(moment: datetime) -> float:
    """Same float as `ml.fraud.velocity.to_epoch_seconds` (whole microseconds / 1e6), without pandas."""
    return ((moment - EPOCH) // MICROSECOND) / 1e6

if TYPE_CHECKING:
    from apps.accounts.models import User

# Payment field -> transactions CSV column, in the order of ml.simulate.transactions.TRANSACTION_COLUMNS.
FRAME_COLUMNS: dict[str, str] = {
    "transaction_id": "transaction_id",
    "timestamp": "timestamp",
    "customer__external_id": "customer_id",
    "merchant__external_id": "merchant_id",
    "card_fingerprint": "card_id",
    "device_id": "device_id",
    "ip_address": "ip_address",
    "country": "country",
    "latitude": "latitude",
    "longitude": "longitude",
    "amount": "amount",
    "currency": "currency",
    "merchant_category": "merchant_category",
    "is_fraud": "is_fraud",
    "customer__country": "billing_country",
}


def payments_frame(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    merchant_ids: list[int] | None = None,
    queryset: QuerySet[Payment] | None = None,
) -> pd.DataFrame:
    """Payments in [start, end) as the transactions frame `ml.fraud.features.features_for_history` reads.

    Ids are the external ids (what the API and CSV imports speak), so features computed here
    equal the live ones, which key the velocity state by the same ids. ``is_fraud`` is NaN
    when unlabelled so unknown labels never count as genuine. ``queryset`` narrows further
    (the scoring fallback passes one customer's, card's or device's payments).
    """
    payments = queryset if queryset is not None else Payment.objects.all()
    if start is not None:
        payments = payments.filter(timestamp__gte=start)
    if end is not None:
        payments = payments.filter(timestamp__lt=end)
    if merchant_ids is not None:
        payments = payments.filter(merchant_id__in=merchant_ids)
    rows = list(payments.order_by("timestamp", "pk").values_list(*FRAME_COLUMNS))
    frame = pd.DataFrame.from_records(rows, columns=list(FRAME_COLUMNS.values()))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["amount"] = frame["amount"].astype(np.float64)
    for column in ("latitude", "longitude"):
        frame[column] = frame[column].astype(np.float64)
    frame["is_fraud"] = frame["is_fraud"].astype(object).where(frame["is_fraud"].notna(), np.nan)
    for column in ("device_id", "ip_address", "country", "merchant_category", "billing_country"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame


class AssessmentFilter(django_filters.FilterSet):
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    decision = django_filters.ChoiceFilter(choices=Decision.choices)
    transaction_id = django_filters.CharFilter(field_name="payment__transaction_id", max_length=64)
    customer = django_filters.CharFilter(
        field_name="payment__customer__external_id", max_length=64, help_text="Customer external id."
    )
    flag = django_filters.CharFilter(method="filter_flag", max_length=64, help_text="A rule name or hard flag.")
    fallback = django_filters.BooleanFilter()
    created_from = UTCDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_to = UTCDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Assessment
        fields = ["merchant", "decision", "transaction_id", "customer", "flag", "fallback", "created_from", "created_to"]

    def filter_flag(self, queryset: QuerySet[Assessment], name: str, value: str) -> QuerySet[Assessment]:
        # JSON "contains" is not portable to SQLite; flags are short upper-case names, so a quoted match is exact.
        return queryset.filter(flags__icontains=f'"{value}"') if value else queryset


def assessment_list(*, user: User, filters: dict | None = None) -> QuerySet[Assessment]:
    """Assessments the user may read, newest first, with what a list shows in one query."""
    assessments = scope_for_user(
        Assessment.objects.select_related("merchant", "payment", "payment__customer", "model_version"), user
    )
    return AssessmentFilter(filters, queryset=assessments).qs if filters else assessments


def assessment_get(*, user: User, transaction_id: str) -> Assessment:
    return get_object_or_404(assessment_list(user=user), payment__transaction_id=transaction_id)


class RuleFilter(django_filters.FilterSet):
    class Meta:
        model = Rule
        fields = ["action", "enabled", "shipped"]


def rule_list(*, filters: dict | None = None) -> QuerySet[Rule]:
    """Rules are platform-wide: every staff role may read them (writes are for analysts and admins)."""
    rules = Rule.objects.all()
    return RuleFilter(filters, queryset=rules).qs if filters else rules


def rule_get(*, name: str) -> Rule:
    return get_object_or_404(Rule, name=name)


class ListEntryFilter(django_filters.FilterSet):
    value = django_filters.CharFilter(lookup_expr="iexact", max_length=255)

    class Meta:
        model = ListEntry
        fields = ["list_type", "kind", "value"]


def list_entry_list(*, filters: dict | None = None) -> QuerySet[ListEntry]:
    entries = ListEntry.objects.select_related("created_by")
    return ListEntryFilter(filters, queryset=entries).qs if filters else entries


def list_entry_get(*, pk: int) -> ListEntry:
    return get_object_or_404(ListEntry, pk=pk)


HISTORY_FIELDS = (
    "pk",
    "timestamp",
    "customer__external_id",
    "merchant__external_id",
    "card_fingerprint",
    "device_id",
    "ip_address",
    "country",
    "latitude",
    "longitude",
    "amount",
)


def payment_histories(
    *, customer_ids: set[str], card_ids: set[str], device_ids: set[str], since: datetime
) -> dict[str, list[tuple]]:
    """Stored payments that shape velocity features, as `HISTORY_FIELDS` tuples in (timestamp, pk) order.

    Keys: "customer" (every payment of the customers, ever: counts and first-seen sets need the
    whole past), "card" and "device" (payments of those cards / devices since ``since``, from
    any customer). One query per kind, so a batch costs three queries whatever its size.
    """
    payments = Payment.objects.order_by("timestamp", "pk")
    return {
        "customer": list(payments.filter(customer__external_id__in=customer_ids).values_list(*HISTORY_FIELDS)),
        "card": list(
            payments.filter(card_fingerprint__in=card_ids - {""}, timestamp__gte=since).values_list(*HISTORY_FIELDS)
        ),
        "device": list(
            payments.filter(device_id__in=device_ids - {""}, timestamp__gte=since).values_list(*HISTORY_FIELDS)
        ),
    }


def labelled_payments() -> list[tuple[str, str, float, bool]]:
    """(merchant external id, category, event time in epoch seconds, is_fraud) of every labelled payment, oldest first.

    Every scoring process reloads these every FRAUD_LABEL_REFRESH_SECONDS, tens of thousands of
    rows: PostgreSQL computes the epoch seconds itself (the same float as
    `features_service.epoch_seconds`: whole microseconds over 1e6, correctly rounded either way)
    because loading timestamps was most of the reload, which competes with live requests.
    """
    payments = Payment.objects.filter(is_fraud__isnull=False).order_by("timestamp", "pk")
    if connection.vendor == "postgresql":
        epoch = Cast(Extract("timestamp", "epoch"), FloatField())
        return list(payments.values_list("merchant__external_id", "merchant_category", epoch, "is_fraud"))
    rows = payments.values_list("merchant__external_id", "merchant_category", "timestamp", "is_fraud")
    return [(merchant, category, epoch_seconds(moment), fraud) for merchant, category, moment, fraud in rows]
