"""Portal pages for customers: the list (and its CSV export) and a customer's page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.exports import Column
from apps.core.security_pii import pii_columns
from apps.customers.selectors import customer_get, customer_list
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.dashboard.summaries import customer_activity

CUSTOMER_ROLES = {"platform_admin", "merchant_staff", "support_agent"}

CUSTOMER_COLUMNS = [
    Column("external_id", lambda c: c.external_id),
    Column("email", lambda c: c.email),
    Column("name", lambda c: c.name),
    Column("country", lambda c: c.country),
    Column("marketing_opt_in", lambda c: c.marketing_opt_in),
    Column("created_at", lambda c: c.created_at.isoformat()),
]


@require_GET
@staff_page(roles=CUSTOMER_ROLES)
def customer_list_page(request):
    return list_page(
        request,
        rows=customer_list(user=request.user, filters=request.GET),
        template="customers/customer_list.html",
        export_name="customers",
        columns=pii_columns(CUSTOMER_COLUMNS, request.user, {"email": "email"}),
    )


@require_GET
@staff_page(roles=CUSTOMER_ROLES)
def customer_detail_page(request, external_id: str):
    customer = customer_get(user=request.user, external_id=external_id)
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "activity": customer_activity(user=request.user, customer=customer)},
    )
