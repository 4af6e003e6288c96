"""API v1 routes for catalog."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.catalog.api.tagging import ProductTagSuggestView, TagSuggestView
from apps.catalog.api.views import CategoryViewSet, ProductViewSet

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("categories", CategoryViewSet, basename="category")
urlpatterns = [
    path("products/tags/suggest", TagSuggestView.as_view(), name="product-tags-suggest"),
    path("products/<str:external_id>/tags/suggest", ProductTagSuggestView.as_view(), name="product-tags-suggest-for-product"),
    *router.urls,
]
