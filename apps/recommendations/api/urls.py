"""API v1 routes for recommendations."""
from django.urls import path, register_converter

from apps.recommendations.api.views import ExplainView, SimilarProductsView, UserRecommendationsView


class ExternalIdConverter:
    """The external id alphabet (apps.core.api.fields.EXTERNAL_ID_URL_REGEX), so every stored id is reachable."""

    regex = r"[A-Za-z0-9][A-Za-z0-9_.:@-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExternalIdConverter, "recs_external_id")

urlpatterns = [
    path("recommendations/user/<recs_external_id:external_id>", UserRecommendationsView.as_view(), name="recommendations-user"),
    path("recommendations/similar/<recs_external_id:external_id>", SimilarProductsView.as_view(), name="recommendations-similar"),
    path(
        "recommendations/explain/<recs_external_id:customer_id>/<recs_external_id:product_id>",
        ExplainView.as_view(),
        name="recommendations-explain",
    ),
]
