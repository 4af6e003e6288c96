from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core.observability_metrics import metrics_view
from apps.core.security_headers import swagger_ui_view
from apps.core.views import health, ready

# A database outage answers 503 with Retry-After instead of a 500 (docs/operations.md).
handler500 = "apps.core.observability_outages.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health", health, name="health"),
    path("ready", ready, name="ready"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_ui_view, name="swagger-ui"),
    path("catalog/", include("apps.catalog.urls")),
    path("orders/", include("apps.orders.urls")),
    path("customers/", include("apps.customers.urls")),
    path("reviews/", include("apps.reviews.urls")),
    path("models/", include("apps.mlops.urls")),
    path("fraud/", include("apps.fraud.urls")),
    path("recommendations/", include("apps.recommendations.urls")),
    path("chat/", include("apps.chat.urls")),
    path("shop/", include("apps.chat.storefront_urls")),
    path("segments/", include("apps.segments.urls")),
    path("abuse/", include("apps.abuse.urls")),
    path("search/", include("apps.search.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("analytics/", include("apps.analytics.urls")),
    path("experiments/", include("apps.experiments.urls")),
    path("pricing/", include("apps.pricing.urls")),
    path("bots/", include("apps.bots.urls")),
    path("risk/", include("apps.risk.urls")),
    path("", include("apps.dashboard.urls")),
]
