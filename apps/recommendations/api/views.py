"""Recommendations over the API: a shopper's list, items similar to a product, why an item is recommended."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.selectors import product_get
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader
from apps.core.tenancy import merchant_ids_for_user
from apps.customers.selectors import customer_get
from apps.recommendations.access import customer_ref, merchant_id_for, product_ref
from apps.recommendations.api.serializers import (
    ExplainQuerySerializer,
    ExplanationSerializer,
    SimilarProductsSerializer,
    SimilarQuerySerializer,
    UserQuerySerializer,
    UserRecommendationsSerializer,
)
from apps.recommendations.serving import Scope, explanation, scope_for, similar_products, user_recommendations


class _RecommendationsView(APIView):
    permission_classes = [IsMerchantDataReader]
    query_serializer: type = UserQuerySerializer

    def query(self, request: Request) -> tuple[dict, Scope]:
        """Validated query parameters and the products the caller may be shown."""
        serializer = self.query_serializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        merchant_id = None
        if values.get("merchant"):
            merchant_id = merchant_id_for(user=request.user, external_id=values["merchant"])
            if merchant_id is None:
                raise ValidationError({"merchant": [f"Unknown merchant {values['merchant']!r}."]})
        return values, scope_for(merchant_ids_for_user(request.user), merchant_id)


CUSTOMER = OpenApiParameter("customer_id", str, OpenApiParameter.PATH, description="Customer external id.")
PRODUCT = OpenApiParameter("product_id", str, OpenApiParameter.PATH, description="Product external id.")
CUSTOMER_ID = OpenApiParameter("external_id", str, OpenApiParameter.PATH, description="Customer external id.")
PRODUCT_ID = OpenApiParameter("external_id", str, OpenApiParameter.PATH, description="Product external id.")


class UserRecommendationsView(_RecommendationsView):
    @extend_schema(
        parameters=[CUSTOMER_ID, UserQuerySerializer],
        responses={200: UserRecommendationsSerializer, **error_responses(400, 404)},
        description="The shopper's recommendations, best first, each with its reasons and source contributions. "
        "Items the shopper bought are left out (unless include_purchased, or the category is replenishable), as are "
        "inactive, out-of-stock and (for a single-merchant storefront) other merchants' products. Answers are cached "
        "until the shopper's next event.",
    )
    def get(self, request: Request, external_id: str) -> Response:
        values, scope = self.query(request)
        customer = customer_ref(user=request.user, external_id=external_id)
        return Response(user_recommendations(
            customer=customer, scope=scope, limit=values["limit"], session_id=values["session_id"],
            include_purchased=values["include_purchased"],
        ))


class SimilarProductsView(_RecommendationsView):
    query_serializer = SimilarQuerySerializer

    @extend_schema(
        parameters=[PRODUCT_ID, SimilarQuerySerializer],
        responses={200: SimilarProductsSerializer, **error_responses(400, 404)},
        description="Products like this one: bought and viewed by the same shoppers, or similar in content. "
        "A product newer than the model gets its category's trending products.",
    )
    def get(self, request: Request, external_id: str) -> Response:
        values, scope = self.query(request)
        product = product_ref(user=request.user, external_id=external_id)
        return Response(similar_products(product=product, scope=scope, limit=values["limit"]))


class ExplainView(_RecommendationsView):
    query_serializer = ExplainQuerySerializer

    @extend_schema(
        parameters=[CUSTOMER, PRODUCT, ExplainQuerySerializer],
        responses={200: ExplanationSerializer, **error_responses(400, 404)},
        description="Why this product scores what it does for this shopper: each source's contribution, the reasons "
        "in words, its rank among the items the shopper may be shown, and any filter that keeps it out.",
    )
    def get(self, request: Request, customer_id: str, product_id: str) -> Response:
        values, scope = self.query(request)
        customer = customer_get(user=request.user, external_id=customer_id)
        product = product_get(user=request.user, external_id=product_id)
        return Response(explanation(customer=customer, product=product, scope=scope, session_id=values["session_id"]))
