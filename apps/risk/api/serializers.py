"""Risk scores over the API: one row per scored subject, with the evidence behind the score."""
from __future__ import annotations

from rest_framework import serializers

from apps.risk.models import Band, RiskScore, Subject


class RiskComponentSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="the detector: fraud, bots, scalping, rings")
    score = serializers.FloatField(help_text="the source's strongest signal, 0..1, before weighting")
    weight = serializers.FloatField(help_text="how much this source counts (settings.RISK_SCORE_WEIGHTS)")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="what the source saw, strongest first")
    observed_at = serializers.DateTimeField(help_text="the newest evidence behind the signal")


class RiskScoreSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="the shop (for a seller: the seller)")
    customer_id = serializers.SerializerMethodField(help_text="the customer's external id; null for a seller")
    components = RiskComponentSerializer(many=True, read_only=True)

    class Meta:
        model = RiskScore
        fields = ["id", "subject", "merchant", "customer_id", "score", "band", "components", "computed_at"]
        read_only_fields = fields

    def get_customer_id(self, obj: RiskScore) -> str | None:
        return obj.customer.external_id if obj.customer_id else None


class RiskScoreFilterSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(choices=Subject.choices, required=False, help_text="seller rows: platform staff only")
    band = serializers.ChoiceField(choices=Band.choices, required=False)
    merchant = serializers.SlugField(required=False, help_text="only this shop's rows (slug)")


class CustomerRiskSerializer(serializers.Serializer):
    customer_id = serializers.CharField()
    scores = RiskScoreSerializer(many=True, help_text="one per shop you may read where the customer has a signal")


class RiskRefreshSerializer(serializers.Serializer):
    merchant = serializers.SlugField(required=False, help_text="only this shop (slug); default: every shop you may read")


class RiskRefreshSummarySerializer(serializers.Serializer):
    merchants = serializers.IntegerField()
    customers = serializers.IntegerField()
    sellers = serializers.IntegerField()
    high = serializers.IntegerField()
