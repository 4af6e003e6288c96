"""API v1: every app's API routes under /api/v1/."""
from django.urls import include, path

urlpatterns = [
    path("", include("apps.catalog.api.urls")),
    path("", include("apps.customers.api.urls")),
    path("", include("apps.orders.api.urls")),
    path("", include("apps.events.api.urls")),
    path("", include("apps.reviews.api.urls")),
    path("", include("apps.merchants.api.urls")),
    path("", include("apps.mlops.api.urls")),
    path("", include("apps.fraud.api.urls")),
    path("", include("apps.recommendations.api.urls")),
    path("", include("apps.chat.api.urls")),
    path("", include("apps.segments.api.urls")),
    path("", include("apps.abuse.api.urls")),
    path("", include("apps.analytics.api.urls")),
    path("", include("apps.search.api.urls")),
    path("", include("apps.alerts.api.urls")),
    path("", include("apps.experiments.api.urls")),
    path("", include("apps.pricing.api.urls")),
    path("", include("apps.bots.api.urls")),
    path("", include("apps.risk.api.urls")),
]
