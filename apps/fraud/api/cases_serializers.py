"""Input and output shapes of the review-queue API."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.fraud.cases import BULK_ACTIONS, CASE_WORKER_ROLES, NOT_A_CASE_WORKER
from apps.fraud.models import Assessment, CaseEvent, ReviewCase
from apps.orders.api.serializers import OrderOutputSerializer, PaymentOutputSerializer

MAX_BULK_CASES = 200
# Ids are 64-bit in the database; larger numbers could only be typos (and would overflow SQLite).
MAX_CASE_ID = 10**18 - 1


class CaseRowSerializer(serializers.ModelSerializer):
    """One queue row: enough to triage without opening the case."""

    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    transaction_id = serializers.CharField(source="assessment.payment.transaction_id")
    amount = serializers.DecimalField(source="assessment.payment.amount", max_digits=12, decimal_places=2)
    currency = serializers.CharField(source="assessment.payment.currency")
    customer_id = serializers.CharField(source="assessment.payment.customer.external_id")
    score = serializers.FloatField(source="assessment.score")
    flags = serializers.ListField(source="assessment.flags", child=serializers.CharField())
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sla_seconds_left = serializers.SerializerMethodField(help_text="Negative once the SLA is missed; null when decided.")

    class Meta:
        model = ReviewCase
        fields = [
            "id",
            "merchant",
            "status",
            "priority",
            "score",
            "flags",
            "transaction_id",
            "amount",
            "currency",
            "customer_id",
            "assignee",
            "claimed_at",
            "snoozed_until",
            "sla_due_at",
            "sla_seconds_left",
            "outcome",
            "is_fraud",
            "decided_at",
            "created_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_sla_seconds_left(self, case: ReviewCase) -> int | None:
        if case.status == ReviewCase.Status.DECIDED:
            return None
        return int((case.sla_due_at - timezone.now()).total_seconds())


class AssessmentSerializer(serializers.ModelSerializer):
    model_version = serializers.StringRelatedField()

    class Meta:
        model = Assessment
        fields = ["decision", "score", "ml_score", "rules_score", "flags", "reasons", "features", "fallback", "model_version"]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["action", "actor", "note", "data", "at"]


class LinkedCustomerSerializer(serializers.Serializer):
    customer_id = serializers.CharField(source="customer.external_id")
    shared = serializers.ListField(child=serializers.CharField(), help_text="card, device and/or ip")


class CaseDetailSerializer(serializers.Serializer):
    """The case page's content: the payment, why it was sent here, and the customer's context."""

    case = CaseRowSerializer()
    decided_by = serializers.CharField(source="case.decided_by.username", default=None, allow_null=True)
    payment = PaymentOutputSerializer(source="case.assessment.payment")
    assessment = AssessmentSerializer(source="case.assessment")
    recent_payments = PaymentOutputSerializer(many=True)
    recent_orders = OrderOutputSerializer(many=True)
    linked_customers = LinkedCustomerSerializer(many=True)
    events = CaseEventSerializer(many=True)


class CaseWorkerField(serializers.SlugRelatedField):
    """A colleague who works cases, by username.

    A username that does not exist and one of a user who may not work cases get the same message
    (the queryset holds only case workers), so the answer says nothing about who exists.
    """

    default_error_messages = {"does_not_exist": NOT_A_CASE_WORKER, "invalid": NOT_A_CASE_WORKER}

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        # superusers carry the platform_admin role (User.save), so the role covers them
        kwargs.setdefault("queryset", User.objects.filter(is_active=True, role__in=CASE_WORKER_ROLES))
        super().__init__(**kwargs)


def _future(value):
    if value <= timezone.now():
        raise serializers.ValidationError("Snooze until a time in the future.")
    return value


class AssignInputSerializer(serializers.Serializer):
    assignee = CaseWorkerField(help_text="Username of a fraud analyst or platform admin.")


class SnoozeInputSerializer(serializers.Serializer):
    until = serializers.DateTimeField(validators=[_future], help_text="ISO 8601; the case returns to the queue then.")


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class DecideInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewCase.Outcome.choices)
    is_fraud = serializers.BooleanField(help_text="The label: true for fraud, false for legitimate.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class BulkInputSerializer(serializers.Serializer):
    """One action over a selection; the parameters the action needs are validated like the single-case ones."""

    PARAMS = {
        "assign": AssignInputSerializer,
        "snooze": SnoozeInputSerializer,
        "decide": DecideInputSerializer,
    }

    case_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_CASE_ID),
        min_length=1,
        max_length=MAX_BULK_CASES,
        allow_empty=False,
    )
    action = serializers.ChoiceField(choices=sorted(BULK_ACTIONS))

    def validate(self, attrs: dict) -> dict:
        params_serializer = self.PARAMS.get(attrs["action"])
        attrs["params"] = {}
        if params_serializer is not None:
            params = params_serializer(data=self.initial_data)
            params.is_valid(raise_exception=True)
            attrs["params"] = dict(params.validated_data)
        return attrs


class BulkResultSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    ok = serializers.BooleanField()
    status = serializers.CharField(required=False)
    error = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
