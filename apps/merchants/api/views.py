"""Merchants the caller belongs to (all of them for platform staff); read-only over the API."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.merchants.api.serializers import MerchantOutputSerializer
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_get, merchant_list


@extend_schema_view(
    list=extend_schema(responses={200: MerchantOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: MerchantOutputSerializer, **error_responses(404)}),
)
class MerchantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = MerchantOutputSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ["name", "created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return merchant_list(user=self.request.user)

    def get_object(self) -> Merchant:
        return merchant_get(user=self.request.user, slug=self.kwargs["slug"])
