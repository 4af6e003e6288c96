"""Risk scores over the API: list and read scores, a customer's scores, refresh on demand.
Rows are narrowed by the tenancy scope (apps.risk.selectors); another merchant's row is a 404."""
from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader, IsMerchantDataWriter
from apps.core.tenancy import merchant_ids_for_user
from apps.customers.selectors import customer_get
from apps.merchants.selectors import merchant_list
from apps.risk.api.serializers import (
    CustomerRiskSerializer,
    RiskRefreshSerializer,
    RiskRefreshSummarySerializer,
    RiskScoreFilterSerializer,
    RiskScoreSerializer,
)
from apps.risk.selectors import customer_risk, risk_score_list
from apps.risk.services import risk_scores_refresh


class RiskScorePagination(CursorPagination):
    ordering = ("-score", "id")
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema(parameters=[RiskScoreFilterSerializer], responses={200: RiskScoreSerializer(many=True), **error_responses(400)})
class RiskScoreListView(generics.ListAPIView):
    """Customers' and (for platform staff) sellers' risk scores, riskiest first."""

    permission_classes = [IsMerchantDataReader]
    serializer_class = RiskScoreSerializer
    pagination_class = RiskScorePagination

    def get_queryset(self):
        filters = RiskScoreFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return risk_score_list(user=self.request.user, filters=filters.validated_data)


@extend_schema(responses={200: RiskScoreSerializer, **error_responses(404)})
class RiskScoreDetailView(generics.RetrieveAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = RiskScoreSerializer

    def get_queryset(self):
        return risk_score_list(user=self.request.user)


class CustomerRiskView(APIView):
    permission_classes = [IsMerchantDataReader]

    @extend_schema(responses={200: CustomerRiskSerializer, **error_responses(404)})
    def get(self, request: Request, external_id: str) -> Response:
        """The customer's risk score in each of your shops where a detector has a signal about them."""
        customer = customer_get(user=request.user, external_id=external_id)
        scores = customer_risk(user=request.user, customer=customer)
        return Response(CustomerRiskSerializer({"customer_id": customer.external_id, "scores": scores}).data)


class RiskScoreRefreshView(APIView):
    permission_classes = [IsMerchantDataWriter]
    parser_classes = [JSONParser]

    @extend_schema(request=RiskRefreshSerializer, responses={200: RiskRefreshSummarySerializer, **error_responses(400)})
    def post(self, request: Request) -> Response:
        """Recompute scores now for one shop or every shop you may read (beat does it nightly)."""
        body = RiskRefreshSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        slug = body.validated_data.get("merchant")
        if slug:
            shops = list(merchant_list(user=request.user).filter(slug=slug).values_list("pk", flat=True))
            if not shops:  # unknown and another's shop answer alike: no probing for other merchants
                raise ValidationError({"merchant": [f"No merchant {slug!r} among yours."]})
        else:
            shops = merchant_ids_for_user(request.user)
        summary = risk_scores_refresh(merchant_ids=shops)
        return Response(RiskRefreshSummarySerializer(asdict(summary)).data)

