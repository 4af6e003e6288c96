"""Fraud scoring over the API: score one payment or a batch, read assessments, manage rules and lists, backtest."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.permissions import IsMerchantDataReader
from apps.core.tenancy import merchant_ids_for_user, sees_all_merchants
from apps.fraud import lists_service, rules_service
from apps.fraud.api.serializers import (
    AssessmentOutputSerializer,
    BacktestInputSerializer,
    BacktestOutputSerializer,
    ListEntrySerializer,
    PaymentScoreBatchInputSerializer,
    PaymentScoreInputSerializer,
    RuleSerializer,
    ScoreBatchOutputSerializer,
    ScoreOutputSerializer,
)
from apps.fraud.models import ListEntry, Rule
from apps.fraud.scoring import PaymentRequest, assessment_payload, payments_score
from apps.fraud.selectors import (
    AssessmentFilter,
    ListEntryFilter,
    RuleFilter,
    assessment_get,
    assessment_list,
    list_entry_get,
    list_entry_list,
    rule_get,
    rule_list,
)
from apps.merchants.selectors import merchants_by_external_id
from apps.merchants.services import merchants_ensure

FRAUD_ROLES = frozenset({"platform_admin", "fraud_analyst"})


def _is_fraud_team(user) -> bool:
    return bool(user.is_superuser or user.role in FRAUD_ROLES)


class CanScorePayments(IsMerchantDataReader):
    """Merchant staff (for their merchants), fraud analysts and platform admins; not support agents."""

    message = "Scoring is for merchant staff, fraud analysts and platform admins."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (user.role == "merchant_staff" or _is_fraud_team(user))


class IsFraudTeamOrReadOnly(IsMerchantDataReader):
    message = "Only fraud analysts and platform admins may change fraud rules."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or _is_fraud_team(request.user)


class IsFraudTeam(BasePermission):
    message = "Allow and block lists are for fraud analysts and platform admins."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and _is_fraud_team(user))


def _requests(user, rows: list[dict]) -> list[PaymentRequest]:
    """Resolve each row's merchant for the caller; unknown and foreign merchants get the same field error.

    Merchants come from the per-process directory (no query once known), checked against the
    caller's merchants on every call; platform staff may name a merchant not seen before, which is
    created."""
    wanted = {row["merchant_id"] for row in rows}
    merchants = merchants_by_external_id(user=user, external_ids=wanted)
    if sees_all_merchants(user) and wanted - merchants.keys():
        merchants_ensure(external_ids=wanted - merchants.keys())
        merchants = merchants_by_external_id(user=user, external_ids=wanted)
    errors = {
        i: {"merchant_id": [f"Unknown merchant {row['merchant_id']!r}."]}
        for i, row in enumerate(rows)
        if row["merchant_id"] not in merchants
    }
    if errors:
        raise ValidationError(errors)
    return [
        PaymentRequest(
            **{key: value for key, value in row.items() if key != "merchant_id"},
            merchant=merchants[row["merchant_id"]],
        )
        for row in rows
    ]


class _ScoringView(APIView):
    permission_classes = [CanScorePayments]
    parser_classes = [JSONParser]


class ScoreView(_ScoringView):
    @extend_schema(
        request=PaymentScoreInputSerializer,
        responses={201: ScoreOutputSerializer, 200: ScoreOutputSerializer, **error_responses(400)},
        description="Score one payment and store it with its assessment. A replayed transaction_id returns "
        "the stored answer (200) and is not counted again.",
    )
    def post(self, request: Request) -> Response:
        serializer = PaymentScoreInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            requests = _requests(request.user, [serializer.validated_data])
        except ValidationError as error:
            raise ValidationError(error.detail[0]) from error
        [result] = payments_score(requests=requests)
        return Response(
            assessment_payload(result.assessment),
            status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED,
        )


class ScoreBatchView(_ScoringView):
    @extend_schema(
        request=PaymentScoreBatchInputSerializer,
        responses={200: ScoreBatchOutputSerializer, **error_responses(400, 413)},
        description="Score up to 1,000 payments; results come in the same order. Errors are keyed "
        "`transactions` -> row index -> field.",
    )
    def post(self, request: Request) -> Response:
        serializer = PaymentScoreBatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["transactions"]
        try:
            requests = _requests(request.user, rows)
        except ValidationError as error:
            raise ValidationError({"transactions": error.detail}) from error
        results = payments_score(requests=requests)
        return Response({"results": [assessment_payload(result.assessment) for result in results]})


@extend_schema_view(
    list=extend_schema(responses={200: AssessmentOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: AssessmentOutputSerializer, **error_responses(404)}),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = AssessmentOutputSerializer
    lookup_field = "transaction_id"
    filterset_class = AssessmentFilter
    ordering_fields = ["created_at", "score"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return assessment_list(user=self.request.user)

    def get_object(self):
        return assessment_get(user=self.request.user, transaction_id=self.kwargs["transaction_id"])


@extend_schema_view(
    list=extend_schema(responses={200: RuleSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: RuleSerializer, **error_responses(404)}),
    create=extend_schema(request=RuleSerializer, responses={201: RuleSerializer, **error_responses(400)}),
    partial_update=extend_schema(request=RuleSerializer, responses={200: RuleSerializer, **error_responses(400, 404)}),
    destroy=extend_schema(responses={204: None, **error_responses(404)}),
)
class RuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Rules are platform-wide: merchant staff read them; fraud analysts and admins write them."""

    permission_classes = [IsFraudTeamOrReadOnly]
    parser_classes = [JSONParser]
    serializer_class = RuleSerializer
    lookup_field = "name"
    lookup_value_regex = r"[A-Za-z0-9_.-]+"
    filterset_class = RuleFilter
    ordering_fields = ["name", "updated_at"]
    ordering = ["name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return rule_list()

    def get_object(self) -> Rule:
        return rule_get(name=self.kwargs["name"])

    def perform_create(self, serializer) -> None:
        serializer.instance = rules_service.rule_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer) -> None:
        serializer.instance = rules_service.rule_update(
            actor=self.request.user, rule=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Rule) -> None:
        rules_service.rule_delete(actor=self.request.user, rule=instance)


class RuleBacktestView(APIView):
    permission_classes = [IsMerchantDataReader]
    parser_classes = [JSONParser]

    @extend_schema(
        request=BacktestInputSerializer,
        responses={200: BacktestOutputSerializer, **error_responses(400)},
        description="How a condition would have done on the stored assessments of payments in [start, end): "
        "hits, hit rate, and precision / recall against today's labels. Merchant staff backtest on their "
        "merchants' payments only.",
    )
    def post(self, request: Request) -> Response:
        serializer = BacktestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = rules_service.rule_backtest(**serializer.validated_data, merchant_ids=merchant_ids_for_user(request.user))
        return Response(BacktestOutputSerializer(result).data)


@extend_schema_view(
    list=extend_schema(responses={200: ListEntrySerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: ListEntrySerializer, **error_responses(404)}),
    create=extend_schema(
        request=ListEntrySerializer,
        responses={201: ListEntrySerializer, 200: ListEntrySerializer, **error_responses(400)},
        description="Idempotent on (list_type, kind, value): adding again updates reason and expiry (200).",
    ),
    destroy=extend_schema(responses={204: None, **error_responses(404)}),
)
class ListEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Allow and block lists hold customers' cards, emails and IPs across merchants: fraud team only."""

    permission_classes = [IsFraudTeam]
    parser_classes = [JSONParser]
    serializer_class = ListEntrySerializer
    filterset_class = ListEntryFilter
    ordering_fields = ["created_at", "value"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return list_entry_list()

    def get_object(self) -> ListEntry:
        return list_entry_get(pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry, created = lists_service.list_entry_create(actor=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def perform_destroy(self, instance: ListEntry) -> None:
        lists_service.list_entry_delete(actor=self.request.user, entry=instance)
