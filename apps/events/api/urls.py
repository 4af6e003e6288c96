"""API v1 routes for events."""
from rest_framework.routers import SimpleRouter

from apps.events.api.views import EventViewSet

router = SimpleRouter()
router.register("events", EventViewSet, basename="event")
urlpatterns = router.urls
