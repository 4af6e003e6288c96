"""The analytics dashboards' data over the API: one GET per dashboard, rows per merchant.

Each answer holds, for every merchant in the caller's scope (or the one named), the same
tables the portal page draws and downloads as CSV, computed from the rollups.
"""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.analytics.api.serializers import (
    AnalyticsQuerySerializer,
    AnomalyListSerializer,
    DashboardResponseSerializer,
)
from apps.analytics.dashboards import PAGES, Options, dashboard_tables
from apps.analytics.filters import filters_resolve, merchants_in_scope
from apps.analytics.selectors import anomalies
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader

TABLES = {
    "trends": "`kpis` (day, kpi, value, expected, lower, upper, anomaly: +1/-1/0 against the Bollinger band), "
    "`forecast` (category, day, kind actual|forecast, revenue, lower, upper, smape, baseline_smape), `anomalies`.",
    "affinity": "`affinity` (segment, category, revenue, orders, share, lift); empty before the first segmentation.",
    "cross-sell": "`category-rules` and `product-rules` (antecedent, consequent, orders_together, support, confidence, lift).",
    "funnel": "`funnel` (stage, journeys, overall_conversion, step_conversion, drop_off) and `funnel-by-<by>` "
    "(group, views, carts, checkouts, purchases, view_to_cart, cart_to_checkout, checkout_to_purchase, conversion).",
    "cohorts": "`retention` (cohort_month, months_since, customers, retention, orders, revenue) and `repeat` "
    "(cohort_month, customers, repeat_customers, repeat_rate).",
    "sellers": "`sellers` (revenue, orders, average_order_value, conversion, refunds, refund_rate, reviews, average_rating, "
    "positive_share, negative_share), `top-products`, `declining-products`.",
}


def _query(request: Request, serializer_class: type[AnalyticsQuerySerializer]) -> dict:
    serializer = serializer_class(data=request.query_params, merchants=merchants_in_scope(request.user))
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _filters(request: Request, query: dict):
    return filters_resolve(
        user=request.user,
        today=timezone.now().date(),
        start=query.get("start"),
        end=query.get("end"),
        merchant=query.get("merchant"),
        segment=query.get("segment"),
        category=query.get("category"),
    )


class DashboardView(APIView):
    permission_classes = [IsMerchantDataReader]
    page = ""
    query_serializer: type[AnalyticsQuerySerializer] = AnalyticsQuerySerializer

    def get(self, request: Request) -> Response:
        query = _query(request, self.query_serializer)
        options = Options(
            window=query.get("window", Options.window),
            by=query.get("by", Options.by),
            min_orders=query.get("min_orders", Options.min_orders),
        )
        filters = _filters(request, query)
        merchants = [query["merchant"]] if query.get("merchant") else list(merchants_in_scope(request.user))
        page = PAGES[self.page]
        results = []
        for merchant in merchants:
            tables = dashboard_tables(page, filters.for_merchant(merchant.pk), options)
            results.append({"merchant": merchant.slug, "tables": {name: table.rows for name, table in tables.items()}})
        return Response({"start": filters.start, "end": filters.end, "results": results})


def dashboard_view(page: str, *, query_serializer: type[AnalyticsQuerySerializer] = AnalyticsQuerySerializer):
    """A DashboardView subclass for one dashboard, its GET documented with its tables."""

    @extend_schema(
        operation_id=f"analytics_{page.replace('-', '_')}",
        tags=["analytics"],
        summary=f"{PAGES[page].title} dashboard data",
        description=f"{PAGES[page].summary} Tables per merchant: {TABLES[page]}",
        parameters=[query_serializer],
        responses={200: DashboardResponseSerializer, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        return DashboardView.get(self, request)

    name = f"{page.title().replace('-', '')}AnalyticsView"
    return type(name, (DashboardView,), {"page": page, "query_serializer": query_serializer, "get": get})


class AnomalyListView(APIView):
    permission_classes = [IsMerchantDataReader]

    @extend_schema(
        operation_id="analytics_anomalies",
        tags=["analytics"],
        summary="KPI anomalies",
        description="Days on which revenue, orders, average order value or conversion left their Bollinger band "
        "(28-day trailing window, 3 standard deviations), newest first, at most 50.",
        parameters=[AnalyticsQuerySerializer],
        responses={200: AnomalyListSerializer, **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        query = _query(request, AnalyticsQuerySerializer)
        return Response({"results": anomalies(_filters(request, query)).rows})
