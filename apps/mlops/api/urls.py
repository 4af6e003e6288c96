"""API v1 routes for the model registry."""
from rest_framework.routers import SimpleRouter

from apps.mlops.api.views import CanaryViewSet, DriftReportViewSet, ModelVersionViewSet, TrainingRunViewSet

router = SimpleRouter()
router.register("model-versions", ModelVersionViewSet, basename="modelversion")
router.register("training-runs", TrainingRunViewSet, basename="trainingrun")
router.register("drift-reports", DriftReportViewSet, basename="driftreport")
router.register("canaries", CanaryViewSet, basename="canary")
urlpatterns = router.urls
