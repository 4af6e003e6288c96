"""Reviews of the caller's merchants' products; created idempotently on (merchant, external id)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.reviews import services
from apps.reviews.api.serializers import ReviewCreateInputSerializer, ReviewOutputSerializer
from apps.reviews.models import Review
from apps.reviews.selectors import ReviewFilter, review_get, review_list


@extend_schema_view(
    list=extend_schema(responses={200: ReviewOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: ReviewOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=ReviewCreateInputSerializer,
        responses={201: ReviewOutputSerializer, 200: ReviewOutputSerializer, **error_responses(400)},
        description="Idempotent: replaying an external id the merchant already has returns that review (200).",
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = ReviewOutputSerializer
    lookup_value_regex = r"\d{1,18}"
    filterset_class = ReviewFilter
    ordering_fields = ["created_at", "rating"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return review_list(user=self.request.user)

    def get_object(self) -> Review:
        return review_get(user=self.request.user, pk=int(self.kwargs["pk"]))

    def create(self, request: Request) -> Response:
        review, created = services.review_create(actor=request.user, **self.validated_input(ReviewCreateInputSerializer))
        return self.output(review, created=created)
