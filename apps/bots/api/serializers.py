"""Shapes of the bot sessions API."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.bots.models import BotSession, Method


class ReasonSerializer(serializers.Serializer):
    feature = serializers.CharField()
    value = serializers.FloatField()
    low = serializers.FloatField(required=False, help_text="Lower end of the normal range (model reasons).")
    high = serializers.FloatField(required=False, help_text="Upper end of the normal range (model reasons).")
    direction = serializers.CharField(help_text="`high` or `low`: the side of the normal range the value lies on.")
    text = serializers.CharField()


class BotSessionSerializer(serializers.ModelSerializer):
    merchant = serializers.CharField(source="merchant.slug", help_text="Merchant slug.")
    customer_id = serializers.CharField(source="customer.external_id", allow_null=True, default=None,
                                        help_text="The signed-in account's external id, if any.")
    features = serializers.DictField(child=serializers.FloatField(), help_text="Session features (ml.risk.bots.FEATURES).")
    reasons = ReasonSerializer(many=True, help_text="Strongest first.")
    model_version = serializers.SerializerMethodField(help_text="The model version that judged it; null for rules.")
    method = serializers.ChoiceField(choices=Method.choices)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_model_version(self, obj: BotSession) -> str | None:
        return str(obj.model_version) if obj.model_version_id else None

    class Meta:
        model = BotSession
        fields = [
            "id", "merchant", "session_id", "customer_id", "anonymous_id", "score", "threshold", "method", "model_version",
            "features", "reasons", "events", "started_at", "ended_at", "flagged_at", "scored_at",
        ]


class SessionEventSerializer(serializers.Serializer):
    event_id = serializers.CharField(source="external_id")
    type = serializers.CharField()
    product_id = serializers.CharField(source="product.external_id", allow_null=True, default=None)
    query = serializers.CharField()
    timestamp = serializers.DateTimeField()


class BotSessionDetailSerializer(BotSessionSerializer):
    timeline = SessionEventSerializer(many=True, source="timeline_events", help_text="The session's events in time order.")

    class Meta(BotSessionSerializer.Meta):
        fields = [*BotSessionSerializer.Meta.fields, "timeline"]


class ScoreInputSerializer(serializers.Serializer):
    merchant = serializers.CharField(max_length=50, help_text="Slug of the merchant whose storefront the session was on.")
    session_id = serializers.CharField(max_length=64)


class VerdictSerializer(serializers.Serializer):
    merchant = serializers.CharField()
    session_id = serializers.CharField()
    judged = serializers.BooleanField(help_text="False for sessions under the minimum number of events (not judged).")
    flagged = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)
    method = serializers.ChoiceField(choices=Method.choices)
    events = serializers.IntegerField()
    features = serializers.DictField(child=serializers.FloatField())
    reasons = ReasonSerializer(many=True)
    bot_session = serializers.IntegerField(allow_null=True, help_text="Id of the stored flagged session, if flagged.")
