"""The model registry over the API: versions, training runs (with progress), train, promote, roll back, drift, canaries."""
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
    CanaryInputSerializer,
    CanaryOutputSerializer,
    DriftCheckInputSerializer,
    DriftReportOutputSerializer,
    ModelVersionOutputSerializer,
    RollbackInputSerializer,
    TrainingRequestInputSerializer,
    TrainingRunOutputSerializer,
)
from apps.mlops.canary import CanaryError, canary_promote, canary_set, canary_stop
from apps.mlops.comparison import canary_comparison
from apps.mlops.models import ModelVersion
from apps.mlops.monitoring import drift_check
from apps.mlops.permissions import IsModelPromoter, IsModelStaff
from apps.mlops.pipeline import training_request
from apps.mlops.selectors import (
    canary_list,
    drift_report_list,
    model_version_list,
    production_version,
    training_run_list,
)
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


@extend_schema_view(
    list=extend_schema(responses={200: CanaryOutputSerializer(many=True)}),
    retrieve=extend_schema(
        responses={200: CanaryOutputSerializer, **error_responses(404)},
        description="The running canary of a model with production and canary compared over the same window.",
    ),
    create=extend_schema(
        request=CanaryInputSerializer,
        responses={200: CanaryOutputSerializer, **error_responses(400)},
        description="Start a canary of a version at a share of customers, or change the running one's version or "
        "share (idempotent per model name; platform admins).",
    ),
    stop=extend_schema(
        request=None,
        responses={200: ModelVersionOutputSerializer, **error_responses(404)},
        description="Send every request back to production (platform admins). Answers the former canary version.",
    ),
    promote=extend_schema(
        request=None,
        responses={200: ModelVersionOutputSerializer, **error_responses(404)},
        description="Make the canary version production and end the canary (platform admins).",
    ),
)
class CanaryViewSet(RegistryViewSet):
    serializer_class = CanaryOutputSerializer
    lookup_field = "name"
    lookup_value_regex = r"[-\w]+"
    pagination_class = None

    def get_permissions(self):
        if self.action in ("create", "stop", "promote"):
            return [IsModelPromoter()]
        return super().get_permissions()

    def get_queryset(self):
        return canary_list()

    def list(self, request: Request) -> Response:
        comparisons = [canary_comparison(canary=canary) for canary in self.get_queryset()]
        return Response(self.get_serializer(comparisons, many=True).data)

    def retrieve(self, request: Request, name: str) -> Response:
        return Response(self.get_serializer(canary_comparison(canary=self.get_object())).data)

    def create(self, request: Request) -> Response:
        data = self.validated_input(CanaryInputSerializer)
        version = ModelVersion.objects.filter(name=data["name"], version=data["version"]).first()
        if version is None:
            raise exceptions.ValidationError({"version": [f"{data['name']} has no version {data['version']}."]})
        try:
            canary = canary_set(name=data["name"], version=version, share=data["share"], actor=request.user, source="api")
        except CanaryError as exc:
            raise exceptions.ValidationError({exc.field: [str(exc)]}) from exc
        return Response(self.get_serializer(canary_comparison(canary=canary)).data)

    @action(detail=True, methods=["post"])
    def stop(self, request: Request, name: str) -> Response:
        self.get_object()
        try:
            version = canary_stop(name=name, actor=request.user, source="api")
        except CanaryError as exc:  # stopped or promoted by someone else meanwhile
            raise exceptions.NotFound(str(exc)) from exc
        return Response(ModelVersionOutputSerializer(version, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def promote(self, request: Request, name: str) -> Response:
        self.get_object()
        try:
            version = canary_promote(name=name, actor=request.user, source="api")
        except CanaryError as exc:  # stopped or promoted by someone else meanwhile
            raise exceptions.NotFound(str(exc)) from exc
        return Response(ModelVersionOutputSerializer(version, context=self.get_serializer_context()).data)
