"""API v1 routes for experiments."""
from rest_framework.routers import SimpleRouter

from apps.experiments.api.views import ExperimentViewSet

router = SimpleRouter()
router.register("experiments", ExperimentViewSet, basename="experiment")

urlpatterns = router.urls
