"""Abuse findings over the API: scalping flags and collusion rings (lists and details, scoped to the
caller's merchants; another merchant's row is a 404), and re-running detection (fraud team)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.abuse.api.serializers import (
    DetectInputSerializer,
    DetectOutputSerializer,
    RingDetailSerializer,
    RingSerializer,
    ScalpingFlagSerializer,
)
from apps.abuse.selectors import ring_detail, ring_list, scalping_flag_list
from apps.abuse.tasks import detect_task
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader
from apps.fraud.api.views import IsFraudTeam
from apps.merchants.selectors import merchant_list

MERCHANT_PARAM = OpenApiParameter("merchant", OpenApiTypes.STR, description="Only this merchant's rows (slug).")


def _checked_filters(request: Request) -> dict:
    """The query filters, with `merchant` refused (400, naming it) unless it is one of the caller's."""
    slug = request.query_params.get("merchant")
    if slug and not merchant_list(user=request.user).filter(slug=slug).exists():
        raise exceptions.ValidationError({"merchant": ["No such merchant."]})
    return request.query_params


@extend_schema_view(
    get=extend_schema(
        parameters=[MERCHANT_PARAM, OpenApiParameter("product", OpenApiTypes.STR, description="Product external id.")],
        responses={200: ScalpingFlagSerializer(many=True), **error_responses(400)},
        description="Scalping flags about your merchants' limited products, newest first.",
    )
)
class ScalpingFlagListView(generics.ListAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = ScalpingFlagSerializer
    filter_backends: list = []

    def get_queryset(self):
        return scalping_flag_list(user=self.request.user, filters=_checked_filters(self.request)).prefetch_related(
            "customers", "payments"
        )


@extend_schema_view(get=extend_schema(responses={200: ScalpingFlagSerializer, **error_responses(404)}))
class ScalpingFlagDetailView(generics.RetrieveAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = ScalpingFlagSerializer

    def get_queryset(self):
        return scalping_flag_list(user=self.request.user).prefetch_related("customers", "payments")


@extend_schema_view(
    get=extend_schema(
        parameters=[
            MERCHANT_PARAM,
            OpenApiParameter("include_inactive", OpenApiTypes.BOOL, description="Also rings the latest run no longer found."),
        ],
        responses={200: RingSerializer(many=True), **error_responses(400)},
        description="Collusion rings propping up your merchants' shops, newest first.",
    )
)
class RingListView(generics.ListAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = RingSerializer
    filter_backends: list = []

    def get_queryset(self):
        return ring_list(user=self.request.user, filters=_checked_filters(self.request))


@extend_schema_view(
    get=extend_schema(
        responses={200: RingDetailSerializer, **error_responses(404)},
        description="A ring with its members, features and graph (nodes and edges).",
    )
)
class RingDetailView(generics.RetrieveAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = RingDetailSerializer

    def get_queryset(self):
        return ring_detail(user=self.request.user)


class DetectView(APIView):
    permission_classes = [IsFraudTeam]
    parser_classes = [JSONParser]

    @extend_schema(
        request=DetectInputSerializer,
        responses={202: DetectOutputSerializer, **error_responses(400)},
        description="Re-run scalping and/or ring detection over every merchant now (fraud analysts and admins). "
        "Runs on the worker; when Celery is eager the results are in the answer.",
    )
    def post(self, request: Request) -> Response:
        data = DetectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = detect_task.apply_async(args=(data.validated_data.get("kinds"),))
        body = {"task_id": result.id, "status": result.status, "results": result.result if result.successful() else None}
        return Response(DetectOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)
