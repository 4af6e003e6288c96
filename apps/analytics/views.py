"""Portal pages of the analytics section: one view serves every dashboard, as HTML or as one chart's CSV."""
from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.analytics.dashboards import PAGES, dashboard_tables
from apps.analytics.filters import Filters, merchants_in_scope
from apps.analytics.forms import AnalyticsFilterForm
from apps.analytics.selectors import segments_available
from apps.analytics.tables import Table, cells, headers
from apps.core.exports import Column, csv_lines, wants_csv
from apps.core.tenancy import merchant_ids_for_user
from apps.dashboard.access import staff_page
from apps.dashboard.listing import works_across_merchants


def table_csv(table: Table, *, filters: Filters) -> StreamingHttpResponse:
    columns = [Column(name, lambda row, name=name: row.get(name)) for name in table.columns]
    response = StreamingHttpResponse(csv_lines(columns, table.rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"'
    return response


def _scope_label(merchants: list) -> str:
    return ", ".join(m.name for m in merchants[:3]) + (f" and {len(merchants) - 3} more" if len(merchants) > 3 else "")


def _page(request, slug: str):
    page = PAGES[slug]
    user = request.user
    merchants = list(merchants_in_scope(user))
    multi = works_across_merchants(user)
    scoped = merchant_ids_for_user(user)
    segments = segments_available(None if scoped is None else tuple(scoped))
    form = AnalyticsFilterForm(request.GET, merchants=merchants if multi else [], segments=segments)
    context = {"page": page, "pages": PAGES.values(), "form": form, "multi_merchant": multi}
    if not form.is_valid():
        return render(request, "analytics/dashboard.html", {**context, "charts": [], "filters": None}, status=400)
    filters = form.filters(user=user, today=timezone.now().date())
    tables = dashboard_tables(page, filters, form.options())
    if wants_csv(request):
        table = tables.get(request.GET.get("table", ""))
        if table is None:
            raise Http404("This dashboard has no such table.")
        return table_csv(table, filters=filters)
    chosen = [m for m in merchants if filters.merchant_ids is None or m.pk in filters.merchant_ids]
    return render(
        request,
        "analytics/dashboard.html",
        {
            **context,
            "filters": filters,
            "charts": page.charts(tables, form.options()),
            "detail_tables": [
                {"name": t.name, "title": t.title, "rows": t.rows, "headers": headers(t), "cells": cells(t)}
                for t in page.detail_tables(tables, form.options())
            ],
            "scope_label": "All merchants" if filters.merchant_ids is None else _scope_label(chosen),
        },
    )


def _view(slug: str):
    @require_GET
    @staff_page()
    def view(request):
        return _page(request, slug)

    view.__name__ = view.__qualname__ = f"analytics_{slug.replace('-', '_')}"
    view.__doc__ = PAGES[slug].summary
    return view


trends = _view("trends")
affinity = _view("affinity")
cross_sell = _view("cross-sell")
funnel = _view("funnel")
cohorts = _view("cohorts")
sellers = _view("sellers")
