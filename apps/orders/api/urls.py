"""API v1 routes for orders and payments."""
from rest_framework.routers import SimpleRouter

from apps.orders.api.views import OrderViewSet, PaymentViewSet

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("payments", PaymentViewSet, basename="payment")
urlpatterns = router.urls
