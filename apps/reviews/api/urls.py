"""API v1 routes for reviews and their analysis."""
from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from apps.core.api.fields import EXTERNAL_ID_URL_REGEX
from apps.reviews.api.insights import AnalyzeView, MerchantInsightsView, ProductInsightsView
from apps.reviews.api.views import ReviewViewSet

router = SimpleRouter()
router.register("reviews", ReviewViewSet, basename="review")
urlpatterns = [
    path("reviews/analyze", AnalyzeView.as_view(), name="review-analyze"),
    re_path(
        rf"^reviews/product/(?P<external_id>{EXTERNAL_ID_URL_REGEX})/insights$",
        ProductInsightsView.as_view(),
        name="review-product-insights",
    ),
    path("reviews/merchant/<slug:slug>/insights", MerchantInsightsView.as_view(), name="review-merchant-insights"),
    *router.urls,
]
