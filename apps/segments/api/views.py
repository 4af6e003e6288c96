"""Segmentation over the API: queue training, list current segments, a segment's insights, a
customer's segment. Rows are narrowed by the tenancy scope; another merchant's row is a 404."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.errors import ErrorSerializer, error_responses
from apps.core.permissions import IsMerchantDataReader, IsMerchantDataWriter
from apps.customers.selectors import customer_get
from apps.merchants.selectors import merchant_list
from apps.mlops.models import TrainingRun
from apps.mlops.pipeline import training_request
from apps.mlops.services import TrainingAlreadyRunning
from apps.segments.api.serializers import (
    CustomerSegmentSerializer,
    SegmentInsightsSerializer,
    SegmentOutputSerializer,
    TrainingQueuedSerializer,
)
from apps.segments.models import Segment
from apps.segments.selectors import current_runs, customer_memberships, segment_list, segment_trend
from apps.segments.training import MODEL_NAME


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class SegmentPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500


class SegmentationTrainView(APIView):
    permission_classes = [IsMerchantDataWriter]
    parser_classes = [JSONParser]

    @extend_schema(
        request=None,
        responses={
            201: TrainingQueuedSerializer,
            **error_responses(),
            409: OpenApiResponse(response=ErrorSerializer, description="A segments run is already queued or running."),
        },
        description=(
            "Queue a segmentation run on the worker. Merchant staff segment their own merchants; platform admins "
            "segment every merchant and the platform-wide scope. Progress: GET /api/v1/training-runs/{id}/."
        ),
    )
    def post(self, request: Request) -> Response:
        try:
            run = training_request(name=MODEL_NAME, requested_by=request.user)
        except TrainingAlreadyRunning as exc:
            raise Conflict(str(exc)) from exc
        # An eager (inline) task has already finished the run: answer with its final state.
        return Response(TrainingQueuedSerializer(TrainingRun.objects.get(pk=run.pk)).data, status=status.HTTP_201_CREATED)


MERCHANT_PARAM = OpenApiParameter("merchant", OpenApiTypes.STR, description="Only this merchant's segments (slug).")
SCOPE_PARAM = OpenApiParameter(
    "scope", OpenApiTypes.STR, enum=["platform"], description="`platform`: the platform-wide segmentation (platform staff)."
)


@extend_schema(
    parameters=[MERCHANT_PARAM, SCOPE_PARAM], responses={200: SegmentOutputSerializer(many=True), **error_responses(400)}
)
class SegmentListView(generics.ListAPIView):
    """The segments of the current segmentation of each merchant you may read."""

    permission_classes = [IsMerchantDataReader]
    serializer_class = SegmentOutputSerializer
    pagination_class = SegmentPagination
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        merchant_id = None
        slug = self.request.query_params.get("merchant")
        if slug:
            # Another merchant's slug is the same error as an unknown one.
            merchant_id = merchant_list(user=user).filter(slug=slug).values_list("pk", flat=True).first()
            if merchant_id is None:
                raise exceptions.ValidationError({"merchant": ["No such merchant."]})
        scope = self.request.query_params.get("scope")
        if scope not in (None, "", "platform"):
            raise exceptions.ValidationError({"scope": ["Only `platform` is a scope."]})
        runs = current_runs(user=user, merchant_id=merchant_id, platform=scope == "platform")
        return segment_list(user=user).filter(run__in=runs)


class SegmentInsightsView(generics.RetrieveAPIView):
    permission_classes = [IsMerchantDataReader]
    serializer_class = SegmentInsightsSerializer

    def get_queryset(self):
        return segment_list(user=self.request.user)

    @extend_schema(
        responses={200: SegmentInsightsSerializer, **error_responses(404)},
        description="Size, revenue share, order value, top categories and products, churn risk, trend since the "
        "scope's previous run, persona, and the run's method metrics.",
    )
    def get(self, request: Request, pk: int) -> Response:
        segment: Segment = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(SegmentInsightsSerializer(segment, context={"trend": segment_trend(segment=segment)}).data)


class CustomerSegmentView(APIView):
    permission_classes = [IsMerchantDataReader]

    @extend_schema(
        responses={200: CustomerSegmentSerializer, **error_responses(404)},
        description="The customer's segment, RFM group and predicted value in each current segmentation you may read "
        "(your merchants'; platform staff also the platform-wide one).",
    )
    def get(self, request: Request, external_id: str) -> Response:
        customer = customer_get(user=request.user, external_id=external_id)
        memberships = customer_memberships(user=request.user, customer=customer)
        return Response(CustomerSegmentSerializer({"customer": customer, "memberships": memberships}).data)
