"""Query and response shapes of the analytics API."""
from __future__ import annotations

from rest_framework import serializers

from apps.analytics.filters import DAY_VALIDATORS, MAX_DAYS
from apps.analytics.rollups import DEFAULT_WINDOW, WINDOWS
from apps.analytics.selectors import FUNNEL_BREAKDOWNS, MIN_TOGETHER
from apps.catalog.models import Category


class AnalyticsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False, validators=DAY_VALIDATORS, help_text="First day (default: 90 days before `end`)."
    )
    end = serializers.DateField(
        required=False, validators=DAY_VALIDATORS, help_text="Last day, inclusive (default: the last day with data)."
    )
    merchant = serializers.SlugField(required=False, help_text="One of your merchants (default: all of them).")
    segment = serializers.CharField(required=False, max_length=100, help_text="Segment name (funnel and cohorts).")
    category = serializers.SlugField(required=False, max_length=400, help_text="Category slug; its subcategories count too.")

    def __init__(self, *args, merchants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.merchants = merchants

    def validate_merchant(self, value: str):
        # Unknown and foreign merchants get the same answer, so nobody can probe for merchants.
        merchant = self.merchants.filter(slug=value).first() if self.merchants is not None else None
        if merchant is None:
            raise serializers.ValidationError(f"Unknown merchant {value!r}.")
        return merchant

    def validate_category(self, value: str) -> Category:
        category = Category.objects.filter(slug=value).first()
        if category is None:
            raise serializers.ValidationError(f"Unknown category {value!r}.")
        return category

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and start > end:
            raise serializers.ValidationError({"end": ["The end date is before the start date."]})
        if start and end and (end - start).days >= MAX_DAYS:
            raise serializers.ValidationError({"start": [f"Choose at most {MAX_DAYS} days."]})
        return attrs


class FunnelQuerySerializer(AnalyticsQuerySerializer):
    window = serializers.ChoiceField(choices=list(WINDOWS), default=DEFAULT_WINDOW, help_text="Conversion window.")
    by = serializers.ChoiceField(choices=list(FUNNEL_BREAKDOWNS), default="device", help_text="Breakdown dimension.")


class CrossSellQuerySerializer(AnalyticsQuerySerializer):
    min_orders = serializers.IntegerField(
        min_value=1, max_value=10_000, default=MIN_TOGETHER, help_text="The fewest orders a pair must share to make a rule."
    )


class MerchantTablesSerializer(serializers.Serializer):
    merchant = serializers.SlugField(help_text="The merchant these tables are about.")
    tables = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Table name to its rows (the same rows as the portal chart's CSV download).",
    )


class DashboardResponseSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    results = MerchantTablesSerializer(many=True)


class AnomalySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    merchant = serializers.SlugField()
    day = serializers.DateField()
    kpi = serializers.CharField()
    value = serializers.FloatField()
    expected = serializers.FloatField(help_text="The band's middle: the mean of the trailing 28 days.")
    lower = serializers.FloatField()
    upper = serializers.FloatField()
    direction = serializers.ChoiceField(choices=["above", "below"])


class AnomalyListSerializer(serializers.Serializer):
    results = AnomalySerializer(many=True)
