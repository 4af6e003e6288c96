"""Reads for the review queue: the queue itself, one case with its context, and SLA settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import django_filters
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.core.api.fields import MAX_AMOUNT
from apps.core.tenancy import scope_for_user
from apps.customers.models import Customer
from apps.fraud.models import CaseEvent, ReviewCase, RiskSettings
from apps.orders.models import Order, Payment
from apps.orders.selectors import order_list, payment_list

if TYPE_CHECKING:
    from apps.accounts.models import User

DEFAULT_REVIEW_SLA_MINUTES = 240
RECENT_HISTORY_LIMIT = 20
LINKED_CUSTOMERS_LIMIT = 20
# What links two customers: the same card, device or IP address on a payment.
LINK_FIELDS = (("card", "card_fingerprint"), ("device", "device_id"), ("ip", "ip_address"))


def review_sla_minutes(*, merchant_id: int) -> int:
    """The merchant's review SLA, else the platform row's, else the shipped default."""
    rows = {
        row.merchant_id: row.review_sla_minutes
        for row in RiskSettings.objects.filter(Q(merchant_id=merchant_id) | Q(merchant__isnull=True))
    }
    return rows.get(merchant_id, rows.get(None, DEFAULT_REVIEW_SLA_MINUTES))


def review_sla_minutes_many(*, merchant_ids: set[int]) -> dict[int, int]:
    """`review_sla_minutes` of several merchants with one query (cases opened by a batch)."""
    rows = {
        row.merchant_id: row.review_sla_minutes
        for row in RiskSettings.objects.filter(Q(merchant_id__in=merchant_ids) | Q(merchant__isnull=True))
    }
    return {merchant_id: rows.get(merchant_id, rows.get(None, DEFAULT_REVIEW_SLA_MINUTES)) for merchant_id in merchant_ids}


def waiting_q(now) -> Q:
    """Cases that wait in the queue for someone to pick up: open ones and snoozes that have run out."""
    return Q(status=ReviewCase.Status.OPEN) | Q(status=ReviewCase.Status.SNOOZED, snoozed_until__lte=now)


AMOUNT_BOUNDS = {"min_value": 0, "max_value": MAX_AMOUNT}
# Ten years of hours: anything longer means "all", and larger numbers would overflow a timedelta.
AGE_BOUNDS = {"min_value": 0, "max_value": 10 * 366 * 24}


class CaseFilter(django_filters.FilterSet):
    STATUS_CHOICES = [
        ("waiting", "Waiting (open or snooze over)"),
        ("active", "Not decided"),
        *ReviewCase.Status.choices,
    ]
    ASSIGNEE_CHOICES = [("me", "Mine"), ("none", "Unassigned")]

    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    merchant = django_filters.CharFilter(field_name="merchant__slug", max_length=50, help_text="Merchant slug.")
    min_amount = django_filters.NumberFilter(field_name="assessment__payment__amount", lookup_expr="gte", **AMOUNT_BOUNDS)
    max_amount = django_filters.NumberFilter(field_name="assessment__payment__amount", lookup_expr="lte", **AMOUNT_BOUNDS)
    flag = django_filters.CharFilter(method="filter_flag", max_length=64, help_text="A rule name or hard flag.")
    min_age_hours = django_filters.NumberFilter(method="filter_min_age", **AGE_BOUNDS, help_text="Opened at least this long ago.")
    max_age_hours = django_filters.NumberFilter(method="filter_max_age", **AGE_BOUNDS, help_text="Opened at most this long ago.")
    assignee = django_filters.CharFilter(method="filter_assignee", max_length=150, help_text="`me`, `none` or a username.")
    outcome = django_filters.ChoiceFilter(choices=ReviewCase.Outcome.choices)

    class Meta:
        model = ReviewCase
        fields = [
            "status",
            "merchant",
            "min_amount",
            "max_amount",
            "flag",
            "min_age_hours",
            "max_age_hours",
            "assignee",
            "outcome",
        ]

    def filter_status(self, queryset: QuerySet[ReviewCase], name: str, value: str) -> QuerySet[ReviewCase]:
        now = timezone.now()
        if value == "waiting":
            return queryset.filter(waiting_q(now))
        if value == "active":
            return queryset.exclude(status=ReviewCase.Status.DECIDED)
        if value == ReviewCase.Status.SNOOZED:
            return queryset.filter(status=value, snoozed_until__gt=now)
        if value == ReviewCase.Status.OPEN:
            return queryset.filter(waiting_q(now))
        return queryset.filter(status=value)

    def filter_flag(self, queryset: QuerySet[ReviewCase], name: str, value: str) -> QuerySet[ReviewCase]:
        # Same portable match as the assessment list: flags are short names stored in a JSON list.
        return queryset.filter(assessment__flags__icontains=f'"{value}"')

    def filter_min_age(self, queryset: QuerySet[ReviewCase], name: str, value) -> QuerySet[ReviewCase]:
        return queryset.filter(created_at__lte=timezone.now() - timedelta(hours=float(value)))

    def filter_max_age(self, queryset: QuerySet[ReviewCase], name: str, value) -> QuerySet[ReviewCase]:
        return queryset.filter(created_at__gte=timezone.now() - timedelta(hours=float(value)))

    def filter_assignee(self, queryset: QuerySet[ReviewCase], name: str, value: str) -> QuerySet[ReviewCase]:
        if value == "me":
            return queryset.filter(assignee=self.request.user) if self.request else queryset.none()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee__username=value)


def case_list(*, user: User, filters: dict | None = None, request=None) -> QuerySet[ReviewCase]:
    """Cases the user may read, by priority (score) then age, with what the queue shows in one query."""
    cases = scope_for_user(
        ReviewCase.objects.select_related(
            "merchant", "assignee", "assessment", "assessment__payment", "assessment__payment__customer"
        ).order_by("-priority", "created_at", "pk"),
        user,
    )
    return CaseFilter(filters, queryset=cases, request=request).qs if filters else cases


def case_get(*, user: User, case_id: int) -> ReviewCase:
    """One case the user may read; another merchant's case is as absent as a missing one."""
    case = case_list(user=user).filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case.")
    return case


@dataclass(frozen=True)
class LinkedCustomer:
    customer: Customer
    shared: tuple[str, ...]
    """What this customer has in common with the case's payment: card, device and/or ip."""


@dataclass(frozen=True)
class CaseDetail:
    case: ReviewCase
    recent_payments: list[Payment]
    recent_orders: list[Order]
    linked_customers: list[LinkedCustomer]
    events: list[CaseEvent]


def case_detail(*, user: User, case_id: int) -> CaseDetail:
    """A case with what an analyst needs beside the payment: the customer's recent history and who
    shares its card, device or IP. Everything goes through the user's scope, so merchant staff see
    only their own merchants' rows."""
    case = case_get(user=user, case_id=case_id)
    payment = case.assessment.payment
    payments = payment_list(user=user).select_related("assessment")
    recent_payments = list(
        payments.filter(customer_id=payment.customer_id).exclude(pk=payment.pk).order_by("-timestamp")[:RECENT_HISTORY_LIMIT]
    )
    recent_orders = list(
        order_list(user=user).filter(customer_id=payment.customer_id).order_by("-placed_at")[:RECENT_HISTORY_LIMIT]
    )
    return CaseDetail(
        case=case,
        recent_payments=recent_payments,
        recent_orders=recent_orders,
        linked_customers=_linked_customers(payments=payments, payment=payment),
        events=list(case.events.select_related("actor").order_by("at", "pk")),
    )


def _linked_customers(*, payments: QuerySet[Payment], payment: Payment) -> list[LinkedCustomer]:
    shared_by: dict[int, set[str]] = {}
    for label, field in LINK_FIELDS:
        value = getattr(payment, field)
        if not value:
            continue
        others = (
            payments.filter(**{field: value})
            .exclude(customer_id=payment.customer_id)
            .values_list("customer_id", flat=True)
            .distinct()[:LINKED_CUSTOMERS_LIMIT]
        )
        for customer_id in others:
            shared_by.setdefault(customer_id, set()).add(label)
    customers = Customer.objects.in_bulk(list(shared_by))
    return sorted(
        (LinkedCustomer(customer=customers[pk], shared=tuple(sorted(shared))) for pk, shared in shared_by.items()),
        key=lambda linked: (-len(linked.shared), linked.customer.external_id),
    )[:LINKED_CUSTOMERS_LIMIT]
