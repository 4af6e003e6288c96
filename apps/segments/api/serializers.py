"""Output shapes of the segmentation API (it takes no input besides query filters)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.mlops.models import TrainingRun


class MerchantSlugMixin(serializers.Serializer):
    merchant = serializers.SerializerMethodField(help_text="The merchant's slug; null for the platform-wide segmentation.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_merchant(self, obj) -> str | None:
        run = getattr(obj, "run", obj)
        return run.merchant.slug if run.merchant_id else None


class NamedShareSerializer(serializers.Serializer):
    name = serializers.CharField()
    share = serializers.FloatField()


class ProductCountSerializer(serializers.Serializer):
    title = serializers.CharField()
    quantity = serializers.IntegerField()


class SegmentOutputSerializer(MerchantSlugMixin):
    id = serializers.IntegerField()
    run = serializers.IntegerField(source="run_id")
    run_created_at = serializers.DateTimeField(source="run.created_at")
    key = serializers.IntegerField()
    name = serializers.CharField()
    persona = serializers.CharField()
    size = serializers.IntegerField()
    size_share = serializers.FloatField(source="stats.size_share")
    revenue_share = serializers.FloatField(source="stats.revenue_share")
    aov = serializers.FloatField(source="stats.aov", help_text="Average order value of the segment's orders.")
    churn_risk = serializers.FloatField(source="stats.churn_risk")
    churn_basis = serializers.CharField(source="stats.churn_basis")


class TrendSerializer(serializers.Serializer):
    previous_run = serializers.IntegerField()
    new = serializers.BooleanField(help_text="No segment of this name in the previous run.")
    size_change = serializers.IntegerField(required=False)
    revenue_share_change = serializers.FloatField(required=False)


class SegmentInsightsSerializer(SegmentOutputSerializer):
    revenue = serializers.FloatField(source="stats.revenue")
    orders_per_customer = serializers.FloatField(source="stats.orders_per_customer")
    median_recency_days = serializers.FloatField(source="stats.median_recency_days")
    top_categories = NamedShareSerializer(source="stats.top_categories", many=True)
    top_products = ProductCountSerializer(source="stats.top_products", many=True)
    rfm_groups = serializers.DictField(child=serializers.IntegerField(), source="stats.rfm_groups")
    predicted_value_365d = serializers.FloatField(source="stats.predicted_value_365d", default=None, allow_null=True)
    feature_means = serializers.DictField(child=serializers.FloatField(), source="stats.feature_means")
    trend = serializers.SerializerMethodField()
    method = serializers.CharField(source="run.method")
    run_metrics = serializers.JSONField(source="run.metrics", help_text="Silhouette per k, chosen k, BIC, noise share.")

    @extend_schema_field(TrendSerializer(allow_null=True))
    def get_trend(self, obj) -> dict | None:
        return self.context["trend"]


class SegmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MembershipSerializer(MerchantSlugMixin):
    run = serializers.IntegerField(source="run_id")
    segment = SegmentRefSerializer(allow_null=True, help_text="Null for prospects (no order yet).")
    r_score = serializers.IntegerField(allow_null=True)
    f_score = serializers.IntegerField(allow_null=True)
    m_score = serializers.IntegerField(allow_null=True)
    fm_score = serializers.IntegerField(allow_null=True)
    rfm_group = serializers.CharField()
    probabilities = serializers.ListField(child=serializers.FloatField(), help_text="Mixture membership per segment key.")
    density_cluster = serializers.IntegerField(allow_null=True, help_text="HDBSCAN cluster; -1 is noise.")
    predicted_orders_365d = serializers.FloatField(allow_null=True)
    predicted_value_365d = serializers.FloatField(allow_null=True)
    p_alive = serializers.FloatField(allow_null=True)
    expected_next_order = serializers.DateField(allow_null=True)
    clv_note = serializers.SerializerMethodField()
    dynamic = serializers.BooleanField()
    assigned_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_clv_note(self, obj) -> str | None:
        """Why value and churn are empty: the scope's history is below the model's minimum."""
        return None if obj.run.clv_available else f"not enough data yet: {obj.run.clv.get('reason')}"


class CustomerSegmentSerializer(serializers.Serializer):
    customer = serializers.CharField(source="customer.external_id")
    memberships = MembershipSerializer(many=True)


class TrainingQueuedSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingRun
        fields = ["id", "name", "status", "progress", "message", "created_at", "finished_at"]
