"""Portal pages for orders: the order list (and its CSV export) and an order's page."""

from datetime import date

from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.dashboard.summaries import next_statuses, order_status_history
from apps.orders.models import OrderStatus
from apps.orders.selectors import order_get, order_list

ORDER_COLUMNS = [
    Column("number", lambda o: o.number),
    Column("merchant", lambda o: o.merchant.slug),
    Column("customer_id", lambda o: o.customer.external_id),
    Column("status", lambda o: o.status),
    Column("currency", lambda o: o.currency),
    Column("subtotal", lambda o: o.subtotal),
    Column("shipping", lambda o: o.shipping),
    Column("tax", lambda o: o.tax),
    Column("total", lambda o: o.total),
    Column("items", lambda o: sum(item.quantity for item in o.items.all())),
    Column("placed_at", lambda o: o.placed_at.isoformat()),
]


def _order_filters(params: QueryDict) -> QueryDict:
    """The date inputs send whole days; "placed until 31 Jan" includes the 31st."""
    filters = params.copy()
    until = filters.get("placed_to", "")
    try:
        date.fromisoformat(until)
    except ValueError:
        return filters
    filters["placed_to"] = f"{until}T23:59:59.999999"
    return filters


@require_GET
@staff_page()
def order_list_page(request):
    return list_page(
        request,
        rows=order_list(user=request.user, filters=_order_filters(request.GET)),
        template="orders/order_list.html",
        export_name="orders",
        columns=ORDER_COLUMNS,
        context={"statuses": OrderStatus.choices},
    )


@require_GET
@staff_page()
def order_detail_page(request, number: str):
    order = order_get(user=request.user, number=number)
    return render(
        request,
        "orders/order_detail.html",
        {"order": order, "history": order_status_history(order=order), "next_statuses": next_statuses(order)},
    )
