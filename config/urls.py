from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.views import health
from apps.fraud.metrics import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health", health, name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
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
    path("search/", include("apps.search.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("analytics/", include("apps.analytics.urls")),
    path("experiments/", include("apps.experiments.urls")),
    path("", include("apps.dashboard.urls")),
]
