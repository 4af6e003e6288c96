"""The model registry over the API: versions, training runs (with progress), train, promote, roll back, drift."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import ErrorSerializer, error_responses
from apps.mlops.api.serializers import (
    DriftCheckInputSerializer,
    DriftReportOutputSerializer,
    ModelVersionOutputSerializer,
    RollbackInputSerializer,
    TrainingRequestInputSerializer,
    TrainingRunOutputSerializer,
)
from apps.mlops.monitoring import drift_check
from apps.mlops.permissions import IsModelPromoter, IsModelStaff
from apps.mlops.pipeline import training_request
from apps.mlops.selectors import drift_report_list, model_version_list, production_version, training_run_list
from apps.mlops.services import NothingToRollBack, TrainingAlreadyRunning, model_promote, model_rollback

CONFLICT = {409: OpenApiResponse(response=ErrorSerializer, description="A run of this model is already queued or running.")}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class RegistryViewSet(viewsets.GenericViewSet):
    permission_classes = [IsModelStaff]
    parser_classes = [JSONParser]
    lookup_value_regex = r"\d+"

    def validated_input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(
    list=extend_schema(responses={200: ModelVersionOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: ModelVersionOutputSerializer, **error_responses(404)}),
    promote=extend_schema(
        request=None,
        responses={200: ModelVersionOutputSerializer, **error_responses(404)},
        description="Make this version the production model of its name (platform admins).",
    ),
    rollback=extend_schema(
        request=RollbackInputSerializer,
        responses={200: ModelVersionOutputSerializer, **error_responses(400)},
        description="Put back the version that was production before the current one (platform admins).",
    ),
)
class ModelVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    serializer_class = ModelVersionOutputSerializer
    filterset_fields = ["name", "stage"]
    ordering_fields = ["created_at", "version"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return model_version_list()

    @action(detail=True, methods=["post"], permission_classes=[IsModelPromoter])
    def promote(self, request: Request, pk: str) -> Response:
        version = model_promote(version=self.get_object(), actor=request.user)
        return Response(self.get_serializer(version).data)

    @action(detail=False, methods=["post"], permission_classes=[IsModelPromoter])
    def rollback(self, request: Request) -> Response:
        name = self.validated_input(RollbackInputSerializer)["name"]
        try:
            version = model_rollback(name=name, actor=request.user)
        except NothingToRollBack as exc:
            raise exceptions.ValidationError({"name": [str(exc)]}) from exc
        return Response(self.get_serializer(version).data)


@extend_schema_view(
    list=extend_schema(responses={200: TrainingRunOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(
        responses={200: TrainingRunOutputSerializer, **error_responses(404)},
        description="A run with its progress (0..1), message and log: what the portal's progress bar polls.",
    ),
    create=extend_schema(
        request=TrainingRequestInputSerializer,
        responses={202: TrainingRunOutputSerializer, **error_responses(400), **CONFLICT},
        description="Queue a training run on the worker. One run per model at a time: a second request is a 409.",
    ),
)
class TrainingRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    serializer_class = TrainingRunOutputSerializer
    filterset_fields = ["name", "status"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return training_run_list()

    def create(self, request: Request) -> Response:
        name = self.validated_input(TrainingRequestInputSerializer)["name"]
        try:
            run = training_request(name=name, requested_by=request.user)
        except TrainingAlreadyRunning as exc:
            raise Conflict(str(exc)) from exc
        # An eager (inline) task has already finished the run: answer with its final state.
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=run.pk)).data, status=202)


@extend_schema_view(
    list=extend_schema(responses={200: DriftReportOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: DriftReportOutputSerializer, **error_responses(404)}),
    check=extend_schema(
        request=DriftCheckInputSerializer,
        responses={201: DriftReportOutputSerializer, **error_responses(400)},
        description="Check the production version of `name` for drift now (the daily task does it for every model).",
    ),
)
class DriftReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegistryViewSet):
    serializer_class = DriftReportOutputSerializer
    filterset_fields = ["status"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return drift_report_list(name=self.request.query_params.get("model") or None)

    @action(detail=False, methods=["post"])
    def check(self, request: Request) -> Response:
        name = self.validated_input(DriftCheckInputSerializer)["name"]
        version = production_version(name=name)
        if version is None:
            raise exceptions.ValidationError({"name": [f"{name!r} has no production version."]})
        return Response(self.get_serializer(drift_check(version=version)).data, status=status.HTTP_201_CREATED)
