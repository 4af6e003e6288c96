"""Shapes of the experiments API: input validated here, rules applied by apps.experiments.services."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import ExternalIdField, JSONObjectField
from apps.experiments.models import Experiment, Variant
from apps.experiments.selectors import ArmResult, Results
from apps.experiments.services import MAX_UNIT_ID_LENGTH
from apps.experiments.surfaces import SURFACES
from ml.experiments.stats import Comparison


class VariantSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    weight = serializers.FloatField(min_value=0.0001, max_value=1_000_000, default=1.0,
                                    help_text="Relative traffic weight (> 0).")
    params = JSONObjectField(required=False, default=dict,
                             help_text='recommendations: {} (default blend), {"weights": {source: number >= 0}} '
                                       'or {"strategy": "popularity"}.')
    is_control = serializers.BooleanField(default=False)


class ExperimentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, max_length=5000)
    surface = serializers.ChoiceField(choices=sorted(SURFACES), help_text="Only while a draft.")
    holdout_share = serializers.FloatField(min_value=0, max_value=0.5, help_text="Only while a draft.")
    primary_metric = serializers.ChoiceField(choices=Experiment.Metric.choices)
    baseline_rate = serializers.FloatField(min_value=0.0001, max_value=0.9999,
                                           help_text="Expected control rate of the primary metric (sample-size note).")
    minimum_detectable_effect = serializers.FloatField(min_value=0.001, max_value=10,
                                                       help_text="Smallest relative lift worth detecting, 0.1 = +10%.")
    variants = VariantSerializer(many=True, min_length=2, max_length=10, help_text="Only while a draft; replaces all.")


class ExperimentCreateSerializer(ExperimentUpdateSerializer):
    key = serializers.SlugField(max_length=64)
    merchant_id = ExternalIdField(required=False, allow_null=True, default=None,
                                  help_text="The merchant's external id; omit for your only merchant. "
                                            "Null: platform-wide (platform admins only).")
    description = serializers.CharField(allow_blank=True, max_length=5000, default="")
    holdout_share = serializers.FloatField(min_value=0, max_value=0.5, default=0.0)
    primary_metric = serializers.ChoiceField(choices=Experiment.Metric.choices, default=Experiment.Metric.CONVERSION)
    baseline_rate = serializers.FloatField(min_value=0.0001, max_value=0.9999, default=0.05)
    minimum_detectable_effect = serializers.FloatField(min_value=0.001, max_value=10, default=0.2)


class VariantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Variant
        fields = ["key", "name", "weight", "params", "is_control"]


class ExperimentOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="external_id", read_only=True,
                                            help_text="External id; null for a platform-wide experiment.")
    variants = VariantOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Experiment
        fields = ["key", "name", "description", "surface", "merchant", "status", "started_at", "stopped_at",
                  "holdout_share", "primary_metric", "baseline_rate", "minimum_detectable_effect", "variants",
                  "created_at", "updated_at"]


class IntervalSerializer(serializers.Serializer):
    low = serializers.FloatField()
    high = serializers.FloatField()


class MetricSerializer(serializers.Serializer):
    """One per-unit rate of an arm, and (for non-control arms) its comparison with the control."""

    rate = serializers.FloatField(allow_null=True)
    ci = IntervalSerializer(allow_null=True, help_text="95% Wilson interval of the rate.")
    lift = serializers.FloatField(allow_null=True, help_text="Relative to the control: 0.1 = +10%.")
    lift_ci = IntervalSerializer(allow_null=True, help_text="95% interval of the lift (delta method, log ratio).")
    z = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True, help_text="Two-sided pooled two-proportion z-test.")
    significant = serializers.BooleanField(help_text="p < 0.05.")

    def to_representation(self, comparison: Comparison) -> dict:
        lift = comparison.lift
        return {
            "rate": comparison.rate,
            "ci": {"low": comparison.interval.low, "high": comparison.interval.high} if comparison.interval else None,
            "lift": lift.relative if lift else None,
            "lift_ci": {"low": lift.low, "high": lift.high} if lift else None,
            "z": comparison.test.z if comparison.test else None,
            "p_value": comparison.test.p_value if comparison.test else None,
            "significant": comparison.significant,
        }


class ArmResultSerializer(serializers.Serializer):
    arm = serializers.CharField(help_text="Variant key, or 'holdout'.")
    name = serializers.CharField()
    is_control = serializers.BooleanField()
    is_holdout = serializers.BooleanField()
    units = serializers.IntegerField(help_text="Distinct shoppers exposed.")
    clicked_units = serializers.IntegerField()
    converted_units = serializers.IntegerField()
    impressions = serializers.IntegerField()
    clicks = serializers.IntegerField()
    add_to_carts = serializers.IntegerField()
    purchases = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    clicks_per_impression = serializers.FloatField(allow_null=True, help_text="Descriptive only (not per unit).")
    revenue_per_unit = serializers.FloatField(allow_null=True)
    click_through = MetricSerializer(help_text="Units that clicked / units exposed.")
    conversion = MetricSerializer(help_text="Units that purchased / units exposed.")

    def to_representation(self, result: ArmResult) -> dict:
        counts = result.counts
        return {
            "arm": result.arm, "name": result.name, "is_control": result.is_control, "is_holdout": result.is_holdout,
            "units": counts.units, "clicked_units": counts.clicked_units, "converted_units": counts.converted_units,
            "impressions": counts.impressions, "clicks": counts.clicks, "add_to_carts": counts.add_to_carts,
            "purchases": counts.purchases, "revenue": f"{counts.revenue:.2f}",
            "clicks_per_impression": result.clicks_per_impression, "revenue_per_unit": result.revenue_per_unit,
            "click_through": MetricSerializer().to_representation(result.click_through),
            "conversion": MetricSerializer().to_representation(result.conversion),
        }


class TimelinePointSerializer(serializers.Serializer):
    day = serializers.DateField()
    units = serializers.IntegerField()
    converted_units = serializers.IntegerField()


@extend_schema_field({"type": "object", "additionalProperties": {"type": "array", "items": {
    "type": "object", "properties": {"day": {"type": "string", "format": "date"}, "units": {"type": "integer"},
                                     "converted_units": {"type": "integer"}}}}})
class TimelineField(serializers.Field):
    """Arm key to its cumulative units and converted units per day."""

    def to_representation(self, timeline) -> dict:
        return {arm: TimelinePointSerializer(points, many=True).data for arm, points in timeline.items()}


class ResultsSerializer(serializers.Serializer):
    experiment = serializers.CharField(help_text="The experiment key.")
    status = serializers.CharField()
    primary_metric = serializers.CharField()
    arms = ArmResultSerializer(many=True)
    sample_size_note = serializers.CharField(allow_null=True, help_text="Set while it is too early to call.")
    minimum_detectable_effect = serializers.FloatField(
        allow_null=True, help_text="Relative lift detectable now (alpha 0.05, power 0.8) with the smallest arm.")
    timeline = TimelineField()

    def to_representation(self, results: Results) -> dict:
        return {
            "experiment": results.experiment.key,
            "status": results.experiment.status,
            "primary_metric": results.experiment.primary_metric,
            "arms": [ArmResultSerializer().to_representation(arm) for arm in results.arms],
            "sample_size_note": results.sample_size_note,
            "minimum_detectable_effect": results.minimum_detectable_effect,
            "timeline": TimelineField().to_representation(results.timeline),
        }


class AssignmentQuerySerializer(serializers.Serializer):
    surface = serializers.ChoiceField(choices=sorted(SURFACES))
    unit_id = serializers.CharField(max_length=MAX_UNIT_ID_LENGTH,
                                    help_text="The shopper: customer external id, else the anonymous id.")
    merchant_id = ExternalIdField(required=False, default=None, allow_null=True,
                                  help_text="The storefront's merchant external id; omit for your only merchant.")


class AssignmentSerializer(serializers.Serializer):
    experiment = serializers.CharField(allow_null=True, help_text="Null: no experiment runs here for this shopper.")
    variant = serializers.CharField(allow_null=True, help_text="Variant key, or 'holdout'.")
    params = serializers.JSONField()
    holdout = serializers.BooleanField()
