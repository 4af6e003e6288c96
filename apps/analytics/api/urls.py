from django.urls import path

from apps.analytics.api.serializers import CrossSellQuerySerializer, FunnelQuerySerializer
from apps.analytics.api.views import AnomalyListView, dashboard_view

urlpatterns = [
    path("analytics/kpis", dashboard_view("trends").as_view(), name="analytics-kpis"),
    path("analytics/affinity", dashboard_view("affinity").as_view(), name="analytics-affinity"),
    path(
        "analytics/cross-sell",
        dashboard_view("cross-sell", query_serializer=CrossSellQuerySerializer).as_view(),
        name="analytics-cross-sell",
    ),
    path(
        "analytics/funnel",
        dashboard_view("funnel", query_serializer=FunnelQuerySerializer).as_view(),
        name="analytics-funnel",
    ),
    path("analytics/cohorts", dashboard_view("cohorts").as_view(), name="analytics-cohorts"),
    path("analytics/sellers", dashboard_view("sellers").as_view(), name="analytics-sellers"),
    path("analytics/anomalies", AnomalyListView.as_view(), name="analytics-anomalies"),
]
