"""API v1 routes for customers."""
from rest_framework.routers import SimpleRouter

from apps.customers.api.views import CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
urlpatterns = router.urls
