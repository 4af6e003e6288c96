"""Reads for alerts. Who sees which shopper: a customer login sees itself only; merchant staff
see the customers linked to their merchants; platform staff see everyone (apps.core.tenancy)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.alerts.models import AlertPreference, AlertPreferenceLog
from apps.core.tenancy import scope_for_user
from apps.customers.models import Customer
from apps.orders.models import Payment
from ml.alerts.features import PAYMENT_COLUMNS
from ml.alerts.types import ALERT_KEYS

if TYPE_CHECKING:
    from apps.accounts.models import User

CUSTOMER_ROLE = "customer"


def is_shopper(user: User) -> bool:
    return bool(user.is_authenticated and not user.is_superuser and user.role == CUSTOMER_ROLE)


def shopper_customer(*, user: User) -> Customer | None:
    """The Customer a customer login is (None for other roles and for a login not linked to one)."""
    if not is_shopper(user):
        return None
    return Customer.objects.filter(user=user).first()


def alert_customers(*, user: User) -> QuerySet[Customer]:
    """Customers whose alerts `user` may read: themself for a shopper, the tenancy scope for staff."""
    if is_shopper(user):
        return Customer.objects.filter(user=user)
    return scope_for_user(Customer.objects.all(), user)


def alert_customer_get(*, user: User, external_id: str) -> Customer:
    """404 for a customer outside the caller's reach, exactly as for an unknown id."""
    return get_object_or_404(alert_customers(user=user), external_id=external_id)


def preference_list(*, user: User, customer: Customer | None = None) -> QuerySet[AlertPreference]:
    if is_shopper(user):
        preferences = AlertPreference.objects.filter(customer__user=user)
    else:
        preferences = scope_for_user(AlertPreference.objects.all(), user)
    if customer is not None:
        preferences = preferences.filter(customer=customer)
    return preferences.select_related("customer")


def preferences_of(*, customer: Customer) -> dict[str, AlertPreference]:
    return {pref.alert_type: pref for pref in AlertPreference.objects.filter(customer=customer)}


def preference_log(*, customer: Customer, limit: int = 20) -> list[AlertPreferenceLog]:
    return list(AlertPreferenceLog.objects.filter(customer=customer).select_related("actor")[:limit])


def decided_types(*, customer_ids: Iterable[int]) -> dict[int, set[str]]:
    """Alert types each shopper already turned on or off: not recommended again."""
    decided: dict[int, set[str]] = {}
    for customer_id, alert_type in AlertPreference.objects.filter(customer_id__in=list(customer_ids)).values_list(
        "customer_id", "alert_type"
    ):
        decided.setdefault(customer_id, set()).add(alert_type)
    return decided


def monthly_limits(*, customer_ids: Iterable[int] | None = None) -> dict[int, float]:
    """The spending limits shoppers set (on their 'near spending limit' preference)."""
    rows = AlertPreference.objects.filter(alert_type="near_credit_limit", monthly_limit__isnull=False)
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=list(customer_ids))
    return {customer_id: float(limit) for customer_id, limit in rows.values_list("customer_id", "monthly_limit")}


def preference_labels() -> pd.DataFrame:
    """Bool frame (customer id x alert type) of what each shopper with any preference turned on."""
    rows = list(AlertPreference.objects.values_list("customer_id", "alert_type", "enabled"))
    frame = pd.DataFrame.from_records(rows, columns=["customer_id", "alert_type", "enabled"])
    if frame.empty:
        return pd.DataFrame(columns=list(ALERT_KEYS), dtype=bool)
    table = frame.pivot_table(index="customer_id", columns="alert_type", values="enabled", aggfunc="max", fill_value=False)
    return table.reindex(columns=list(ALERT_KEYS), fill_value=False).astype(bool)


def alert_payments_frame(
    *, since: datetime, until: datetime, customer_ids: Iterable[int] | None = None
) -> tuple[pd.DataFrame, str]:
    """Payments in [since, until] as `ml.alerts.features` reads them (ids are database ids), and
    the currency most of them are in (what explanations quote amounts in)."""
    payments = Payment.objects.filter(timestamp__gte=since, timestamp__lte=until)
    if customer_ids is not None:
        payments = payments.filter(customer_id__in=list(customer_ids))
    rows = list(payments.values_list(*PAYMENT_COLUMNS, "currency"))
    frame = pd.DataFrame.from_records(rows, columns=[*PAYMENT_COLUMNS, "currency"])
    frame["amount"] = frame["amount"].astype(np.float64)
    for column in ("latitude", "longitude"):
        frame[column] = frame[column].astype(np.float64)
    currency = str(frame["currency"].mode().iloc[0]) if len(frame) else Payment._meta.get_field("currency").default
    return frame, currency
