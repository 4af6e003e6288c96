"""API v1 routes for fraud: scoring, assessments, rules, lists (and the review queue's, added beside)."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.fraud.api.cases import CaseViewSet
from apps.fraud.api.settings import RiskSettingsViewSet
from apps.fraud.api.views import (
    AssessmentViewSet,
    ListEntryViewSet,
    RuleBacktestView,
    RuleViewSet,
    ScoreBatchView,
    ScoreView,
)
from apps.fraud.api.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter()
router.register("fraud/assessments", AssessmentViewSet, basename="fraud-assessment")
router.register("fraud/rules", RuleViewSet, basename="fraud-rule")
router.register("fraud/lists", ListEntryViewSet, basename="fraud-list-entry")
router.register("fraud/cases", CaseViewSet, basename="fraud-case")
router.register("fraud/risk-settings", RiskSettingsViewSet, basename="fraud-risk-settings")
router.register("fraud/webhook-endpoints", WebhookEndpointViewSet, basename="fraud-webhook-endpoint")
router.register("fraud/webhook-deliveries", WebhookDeliveryViewSet, basename="fraud-webhook-delivery")

urlpatterns = [
    path("fraud/score", ScoreView.as_view(), name="fraud-score"),
    path("fraud/score/batch", ScoreBatchView.as_view(), name="fraud-score-batch"),
    path("fraud/rules/backtest", RuleBacktestView.as_view(), name="fraud-rule-backtest"),
    *router.urls,
]
