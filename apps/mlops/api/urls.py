"""API v1 routes for the model registry."""
from rest_framework.routers import SimpleRouter

from apps.mlops.api.views import ModelVersionViewSet, TrainingRunViewSet

router = SimpleRouter()
router.register("model-versions", ModelVersionViewSet, basename="modelversion")
router.register("training-runs", TrainingRunViewSet, basename="trainingrun")
urlpatterns = router.urls
