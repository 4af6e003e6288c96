"""API v1 routes for risk scores."""
from django.urls import path, re_path

from apps.core.api.fields import EXTERNAL_ID_URL_REGEX
from apps.risk.api import views

urlpatterns = [
    path("risk-scores/", views.RiskScoreListView.as_view(), name="risk-score-list"),
    path("risk-scores/refresh", views.RiskScoreRefreshView.as_view(), name="risk-score-refresh"),
    path("risk-scores/<int:pk>/", views.RiskScoreDetailView.as_view(), name="risk-score-detail"),
    re_path(
        rf"^customers/(?P<external_id>{EXTERNAL_ID_URL_REGEX})/risk$", views.CustomerRiskView.as_view(), name="customer-risk"
    ),
]
