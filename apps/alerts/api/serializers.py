from rest_framework import serializers

from apps.alerts.models import ALERT_TYPE_CHOICES, AlertPreference, Source
from apps.core.api.fields import ExternalIdField, MoneyField


class CustomerQuerySerializer(serializers.Serializer):
    customer_id = ExternalIdField(required=False, help_text="Narrow to one customer (external id).")


class RecommendationSerializer(serializers.Serializer):
    alert_type = serializers.ChoiceField(choices=ALERT_TYPE_CHOICES)
    label = serializers.CharField()
    basis = serializers.ChoiceField(
        choices=["preferences", "spending", "mixed", "rules"],
        help_text="preferences: similar shoppers turned it on; spending: similar shoppers' behaviour calls for it "
        "(heuristic labels, while few shoppers have chosen alerts); mixed: both; rules: no model yet, "
        "the shopper's own behaviour matches the heuristic.",
    )
    confidence = serializers.FloatField(allow_null=True, help_text="Similarity-weighted share of neighbours; null for rules.")
    share = serializers.FloatField(allow_null=True, help_text="Share of the k neighbours that have it; null for rules.")
    enabled_neighbours = serializers.IntegerField()
    neighbours = serializers.IntegerField()
    explanation = serializers.CharField()


class CustomerRecommendationsSerializer(serializers.Serializer):
    customer_id = serializers.CharField(source="customer.external_id")
    source = serializers.ChoiceField(choices=["model", "rules"])
    model_version = serializers.IntegerField(allow_null=True)
    recommendations = RecommendationSerializer(many=True)


class PreferenceOutputSerializer(serializers.ModelSerializer):
    customer_id = serializers.CharField(source="customer.external_id")
    label = serializers.CharField(source="get_alert_type_display")

    class Meta:
        model = AlertPreference
        fields = ["id", "customer_id", "alert_type", "label", "enabled", "monthly_limit", "created_at", "updated_at"]


class PreferenceInputSerializer(serializers.Serializer):
    alert_type = serializers.ChoiceField(choices=ALERT_TYPE_CHOICES)
    enabled = serializers.BooleanField()
    monthly_limit = MoneyField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Your monthly spending limit, needed by near_credit_limit alerts; omit to keep, null to clear.",
    )
    source = serializers.ChoiceField(
        choices=[Source.API.value, Source.RECOMMENDATION.value],
        default=Source.API.value,
        help_text="recommendation: the shopper accepted a recommendation.",
    )
