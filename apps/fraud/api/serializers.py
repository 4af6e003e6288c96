"""Input and output shapes of the scoring, assessments, rules, lists and backtest endpoints."""
from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from apps.core.api.fields import ExternalIdField, MoneyField, PlausibleDateTimeField
from apps.fraud.models import Assessment, Decision, ListEntry, Rule
from ml.fraud.rules_language import MAX_CONDITION_LENGTH

CURRENCY = {"regex": r"^[A-Z]{3}$", "help_text": "ISO 4217 code, e.g. USD."}
COUNTRY = {"regex": r"^[A-Z]{2}$", "help_text": "ISO 3166-1 alpha-2 country of the IP, if the gateway knows it."}


class PaymentScoreInputSerializer(serializers.Serializer):
    transaction_id = ExternalIdField(help_text="The gateway's id; scoring is idempotent on it.")
    customer_id = ExternalIdField(help_text="Customer external id; unknown customers are created.")
    merchant_id = ExternalIdField(help_text="External id of the merchant taking the payment (one of yours).")
    amount = MoneyField()
    currency = serializers.RegexField(**CURRENCY)
    card_id = serializers.CharField(max_length=64, help_text="Card fingerprint or token, never the card number.")
    device_id = serializers.CharField(max_length=64, allow_blank=True)
    ip_address = serializers.IPAddressField(allow_null=True)
    merchant_category = serializers.CharField(max_length=64, allow_blank=True)
    timestamp = PlausibleDateTimeField(required=False, help_text="Event time (ISO 8601); default: now.")
    country = serializers.RegexField(required=False, allow_blank=True, **COUNTRY)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            missing = "longitude" if attrs.get("longitude") is None else "latitude"
            raise serializers.ValidationError({missing: "latitude and longitude go together; give both or neither."})
        attrs.setdefault("timestamp", timezone.now())
        return attrs


class PaymentScoreBatchInputSerializer(serializers.Serializer):
    transactions = serializers.ListField(
        child=PaymentScoreInputSerializer(), min_length=1, max_length=settings.FRAUD_SCORE_BATCH_MAX
    )


class ScoreOutputSerializer(serializers.Serializer):
    transaction_id = serializers.CharField()
    decision = serializers.ChoiceField(choices=Decision.choices)
    score = serializers.FloatField()
    ml_score = serializers.FloatField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(
        child=serializers.DictField(), help_text="Most important first: {text, source, feature, value, values}."
    )
    model_version = serializers.CharField(allow_null=True)
    latency_ms = serializers.FloatField()


class ScoreBatchOutputSerializer(serializers.Serializer):
    results = ScoreOutputSerializer(many=True)


class AssessmentOutputSerializer(serializers.ModelSerializer):
    transaction_id = serializers.CharField(source="payment.transaction_id")
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    customer_id = serializers.CharField(source="payment.customer.external_id")
    amount = serializers.DecimalField(source="payment.amount", max_digits=12, decimal_places=2)
    timestamp = serializers.DateTimeField(source="payment.timestamp")
    model_version = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "transaction_id",
            "merchant",
            "customer_id",
            "amount",
            "timestamp",
            "decision",
            "score",
            "ml_score",
            "rules_score",
            "flags",
            "reasons",
            "features",
            "model_version",
            "fallback",
            "latency_ms",
            "created_at",
        ]

    def get_model_version(self, assessment: Assessment) -> str | None:
        version = assessment.model_version
        return f"{version.name}-v{version.version}" if version else None


class RuleSerializer(serializers.ModelSerializer):
    """Rules are validated by the service (the condition is compiled); this only shapes fields."""

    condition = serializers.CharField(max_length=MAX_CONDITION_LENGTH, trim_whitespace=False)

    class Meta:
        model = Rule
        fields = ["name", "description", "condition", "action", "weight", "enabled", "shipped", "created_at", "updated_at"]
        read_only_fields = ["shipped", "created_at", "updated_at"]
        # Uniqueness is the service's (and the database's) concern: DRF's check would query twice.
        extra_kwargs = {"name": {"validators": []}, "weight": {"min_value": 0.0, "max_value": 1.0}}


class ListEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ListEntry
        fields = ["id", "list_type", "kind", "value", "reason", "expires_at", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []

    def validate(self, attrs: dict) -> dict:
        if attrs.get("kind") == ListEntry.Kind.IP:
            serializers.IPAddressField().run_validation(attrs["value"])
        if attrs.get("kind") == ListEntry.Kind.EMAIL:
            serializers.EmailField().run_validation(attrs["value"])
        return attrs


class BacktestInputSerializer(serializers.Serializer):
    condition = serializers.CharField(max_length=MAX_CONDITION_LENGTH, trim_whitespace=False)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    def validate(self, attrs: dict) -> dict:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "end must be after start."})
        return attrs


class BacktestOutputSerializer(serializers.Serializer):
    hits = serializers.IntegerField()
    hit_rate = serializers.FloatField()
    labelled_hits = serializers.IntegerField()
    true_positives = serializers.IntegerField()
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
