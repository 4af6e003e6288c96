"""API v1 routes for pricing."""
from django.urls import path

from apps.pricing.api.views import FairPriceView, OutlierListView

urlpatterns = [
    path("products/<str:external_id>/fair-price", FairPriceView.as_view(), name="product-fair-price"),
    path("pricing/outliers", OutlierListView.as_view(), name="pricing-outlier-list"),
]
