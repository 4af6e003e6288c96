"""API v1 routes for alerts."""
from rest_framework.routers import SimpleRouter

from apps.alerts.api.views import PreferenceViewSet, RecommendationViewSet

# No trailing slash: the documented address is /api/v1/alerts/recommendations?customer_id=...
router = SimpleRouter(trailing_slash=False)
router.register("alerts/recommendations", RecommendationViewSet, basename="alert-recommendation")
router.register("alerts/preferences", PreferenceViewSet, basename="alert-preference")
urlpatterns = router.urls
