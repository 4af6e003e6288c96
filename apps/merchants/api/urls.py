"""API v1 routes for merchants."""
from rest_framework.routers import SimpleRouter

from apps.merchants.api.views import MerchantViewSet

router = SimpleRouter()
router.register("merchants", MerchantViewSet, basename="merchant")
urlpatterns = router.urls
