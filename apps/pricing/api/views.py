"""A product's fair price range and the listings priced outside theirs."""
from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.selectors import product_get
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader
from apps.pricing.api.serializers import FairPriceSerializer, OutlierSerializer
from apps.pricing.selectors import OutlierFilter, outlier_list
from apps.pricing.services import fair_price_for


class FairPriceView(APIView):
    permission_classes = [IsMerchantDataReader]

    @extend_schema(
        operation_id="products_fair_price",
        tags=["pricing"],
        summary="A product's suggested price range",
        description="The fair price model's 80% range for the listing (10th to 90th percentile of what comparable "
        "listings sell for, conformally calibrated), where the current price sits, and the model's cross-validated error. "
        "Without a trained model: the category's interquartile range. Reads never store: a listing without a "
        "current stored suggestion gets one computed for this answer.",
        responses={200: FairPriceSerializer, **error_responses(404)},
    )
    def get(self, request: Request, external_id: str) -> Response:
        product = product_get(user=request.user, external_id=external_id)
        return Response(FairPriceSerializer(fair_price_for(product=product)).data)


class OutlierPagination(CursorPagination):
    ordering = ("-gap", "id")
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema_view(
    get=extend_schema(
        operation_id="pricing_outliers",
        tags=["pricing"],
        summary="Listings priced outside their suggested range",
        description="Active listings of the caller's merchants whose price is above or below their stored suggestion, "
        "furthest out first. Suggestions are stored when a fair price model is promoted and by the hourly refresh.",
        responses={200: OutlierSerializer(many=True), **error_responses(400)},
    )
)
class OutlierListView(generics.ListAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = OutlierSerializer
    pagination_class = OutlierPagination
    filterset_class = OutlierFilter
    filter_backends = [DjangoFilterBackend]  # the order is the cursor's: furthest out first

    def get_queryset(self):
        return outlier_list(user=self.request.user)
