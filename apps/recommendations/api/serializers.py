from rest_framework import serializers

from apps.core.api.fields import ExternalIdField
from apps.recommendations.conf import setting


class ScopeQuerySerializer(serializers.Serializer):
    merchant = ExternalIdField(
        required=False,
        help_text="Serve as this merchant's storefront (merchant external id): only its products are recommended. "
        "Members of a single merchant are always served as their storefront.",
    )


class UserQuerySerializer(ScopeQuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=setting("MAX_LIMIT"), default=10)
    session_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True,
                                       help_text="The shopper's current session: its latest events boost related items.")
    include_purchased = serializers.BooleanField(default=False, help_text="Keep items the shopper already bought.")


class SimilarQuerySerializer(ScopeQuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=setting("MAX_LIMIT"), default=10)


class ExplainQuerySerializer(ScopeQuerySerializer):
    session_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)


class RecommendedItemSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why, in words, strongest first.")
    sources = serializers.DictField(child=serializers.FloatField(), help_text="Each source's share of the score.")


class UserRecommendationsSerializer(serializers.Serializer):
    customer_id = serializers.CharField()
    items = RecommendedItemSerializer(many=True)
    model_version = serializers.IntegerField(allow_null=True, help_text="Null: no trained model, popular items served.")
    strategy = serializers.ChoiceField(choices=["blend", "popularity"])
    experiment = serializers.CharField(allow_null=True)
    variant = serializers.CharField(allow_null=True)
    recommendation_id = serializers.CharField(help_text="Send it back on impression, click and purchase events.")
    generated_at = serializers.DateTimeField()
    cached = serializers.BooleanField()


class SimilarProductsSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    items = RecommendedItemSerializer(many=True)
    model_version = serializers.IntegerField(allow_null=True)
    generated_at = serializers.DateTimeField()
    cached = serializers.BooleanField()


class ExplanationSerializer(serializers.Serializer):
    customer_id = serializers.CharField()
    product_id = serializers.CharField()
    model_version = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField()
    rank = serializers.IntegerField(allow_null=True, help_text="Rank among the items the shopper may be shown; null if filtered.")
    sources = serializers.DictField(child=serializers.FloatField())
    reasons = serializers.ListField(child=serializers.CharField())
    filtered = serializers.ListField(child=serializers.CharField(), help_text="Why the item would not be shown, if it would not.")
