"""The experiments API: list/create/edit, start/stop, results, and a shopper's assignment.

Merchant staff manage their merchants' experiments; platform-wide experiments (merchant null)
belong to platform admins, and other merchants' or platform-wide experiments answer 404 to
merchant staff. Analysts and support agents read.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.tenancy import merchant_ids_for_user
from apps.experiments.api.serializers import (
    AssignmentQuerySerializer,
    AssignmentSerializer,
    ExperimentCreateSerializer,
    ExperimentOutputSerializer,
    ExperimentUpdateSerializer,
    ResultsSerializer,
)
from apps.experiments.models import Experiment
from apps.experiments.selectors import experiment_get, experiment_list, experiment_results
from apps.experiments.services import (
    VariantSpec,
    experiment_assign,
    experiment_create,
    experiment_start,
    experiment_stop,
    experiment_update,
)
from apps.merchants.selectors import merchant_for_writer

KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, description="The experiment key.")


def merchant_resolve(user, reference: str | None) -> int | None:
    """The merchant id `reference` names among the user's merchants (None: platform-wide, for platform
    staff). Another merchant's id is the same error as an unknown one."""
    if reference is None:
        ids = merchant_ids_for_user(user)
        if ids is None:
            return None
        if len(ids) == 1:
            return ids[0]
        raise serializers.ValidationError({"merchant_id": ["Name the merchant (you belong to several)."]})
    merchant = merchant_for_writer(user=user, reference=reference)
    if merchant is None:
        raise serializers.ValidationError({"merchant_id": [f"Unknown merchant {reference!r}."]})
    return merchant.pk


def _variant_specs(rows: list[dict] | None) -> list[VariantSpec] | None:
    return None if rows is None else [VariantSpec(**row) for row in rows]


@extend_schema_view(
    list=extend_schema(responses={200: ExperimentOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(parameters=[KEY], responses={200: ExperimentOutputSerializer, **error_responses(404)}),
    create=extend_schema(request=ExperimentCreateSerializer,
                         responses={201: ExperimentOutputSerializer, **error_responses(400)},
                         description="Create a draft experiment with its variants (exactly one control)."),
    partial_update=extend_schema(
        parameters=[KEY], request=ExperimentUpdateSerializer,
        responses={200: ExperimentOutputSerializer, **error_responses(400, 404)},
        description="Edit an experiment. Variants, holdout and surface change only while it is a draft.",
    ),
)
class ExperimentViewSet(mixins.ListModelMixin, MerchantDataViewSet):
    serializer_class = ExperimentOutputSerializer
    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,64}"
    filterset_fields = ["status", "surface"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return experiment_list(user=self.request.user)

    def get_object(self) -> Experiment:
        return experiment_get(user=self.request.user, key=self.kwargs["key"])

    def retrieve(self, request: Request, key: str) -> Response:
        return self.output(self.get_object())

    def create(self, request: Request) -> Response:
        data = dict(self.validated_input(ExperimentCreateSerializer))
        merchant_id = merchant_resolve(request.user, data.pop("merchant_id"))
        variants = _variant_specs(data.pop("variants"))
        experiment = experiment_create(actor=request.user, merchant_id=merchant_id, variants=variants, **data)
        return self.output(experiment_get(user=request.user, key=experiment.key), created=True)

    def partial_update(self, request: Request, key: str) -> Response:
        experiment = self.get_object()
        data = dict(self.validated_input(ExperimentUpdateSerializer, partial=True))
        variants = _variant_specs(data.pop("variants", None))
        experiment_update(actor=request.user, experiment=experiment, variants=variants, **data)
        return self.output(self.get_object())

    @extend_schema(parameters=[KEY], request=None, responses={200: ExperimentOutputSerializer, **error_responses(400, 404)},
                   description="draft -> running. Refused while another experiment runs on the same surface and merchant.")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, key: str) -> Response:
        experiment_start(actor=request.user, experiment=self.get_object())
        return self.output(self.get_object())

    @extend_schema(parameters=[KEY], request=None, responses={200: ExperimentOutputSerializer, **error_responses(400, 404)},
                   description="running -> stopped: shoppers get the default experience; results stay.")
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, key: str) -> Response:
        experiment_stop(actor=request.user, experiment=self.get_object())
        return self.output(self.get_object())

    @extend_schema(parameters=[KEY], responses={200: ResultsSerializer, **error_responses(404)},
                   description="Per arm: units, attributed events, click-through and conversion per unit with "
                   "95% Wilson intervals, lift against the control with its interval, the two-sided z-test, "
                   "and a sample-size note while it is too early to call.")
    @action(detail=True, methods=["get"])
    def results(self, request: Request, key: str) -> Response:
        return Response(ResultsSerializer(experiment_results(experiment=self.get_object())).data)

    @extend_schema(
        methods=["GET"], parameters=[AssignmentQuerySerializer], request=None,
        responses={200: AssignmentSerializer, **error_responses(400)},
        description="Which variant a shopper gets on a surface (deterministic). The same as POST with a JSON body.",
    )
    @extend_schema(
        methods=["POST"], request=AssignmentQuerySerializer, responses={200: AssignmentSerializer, **error_responses(400)},
        description="Which variant a shopper gets on a surface (deterministic); nothing is recorded.",
    )
    @action(detail=False, methods=["get", "post"])
    def assignment(self, request: Request) -> Response:
        source = request.query_params if request.method == "GET" else request.data
        query = AssignmentQuerySerializer(data=source)
        query.is_valid(raise_exception=True)
        merchant_id = merchant_resolve(request.user, query.validated_data["merchant_id"])
        assigned = experiment_assign(
            surface=query.validated_data["surface"], unit_id=query.validated_data["unit_id"], merchant_id=merchant_id
        )
        if assigned is None:
            return Response({"experiment": None, "variant": None, "params": {}, "holdout": False})
        return Response({"experiment": assigned.experiment_key, "variant": assigned.variant_key,
                         "params": assigned.params, "holdout": assigned.holdout})
