from rest_framework import serializers
from rest_framework.fields import empty

from apps.catalog.models import Product
from apps.catalog.selectors import product_list
from apps.core.api.fields import ExternalIdField
from apps.reviews.api.insights_serializers import AspectMentionSerializer
from apps.reviews.models import Review, ReviewAnalysis


class ReviewTopicShareSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The topic's top three terms.")
    terms = serializers.ListField(child=serializers.CharField())
    weight = serializers.FloatField(help_text="The review's share of its topic weight in this topic, 0.1 to 1.")


class ReviewAnalysisOutputSerializer(serializers.ModelSerializer):
    sentiment = serializers.ChoiceField(choices=["negative", "neutral", "positive"])  # the analyse endpoint's enum
    aspects = AspectMentionSerializer(many=True)
    topics = ReviewTopicShareSerializer(many=True, help_text="The merchant topics the review talks about, largest share first.")

    class Meta:
        model = ReviewAnalysis
        fields = ["sentiment", "score", "aspects", "topic", "topics", "topics_at", "model_version", "analysed_at"]


class ReviewOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_id = serializers.CharField(source="product.external_id")
    customer_id = serializers.CharField(source="customer.external_id", default=None, allow_null=True)
    analysis = ReviewAnalysisOutputSerializer(
        read_only=True, allow_null=True, help_text="Sentiment, aspects and topics; null until the review is analysed."
    )

    class Meta:
        model = Review
        fields = [
            "id", "external_id", "merchant", "product_id", "customer_id", "rating", "title", "text", "created_at", "analysis",
        ]


class ScopedProductField(ExternalIdField):
    """A product of the caller's merchants, by external id; any other product is 'unknown'."""

    default_error_messages = {"unknown": "Unknown product {external_id!r}."}

    def run_validation(self, data=empty) -> Product:
        external_id = super().run_validation(data)
        product = product_list(user=self.context["request"].user).filter(external_id=external_id).first()
        if product is None:
            self.fail("unknown", external_id=external_id)
        return product


class ReviewCreateInputSerializer(serializers.Serializer):
    external_id = ExternalIdField(help_text="Your id for the review; unique per merchant.")
    product_id = ScopedProductField(help_text="The reviewed product's external id; the review's merchant is its.")
    customer_id = ExternalIdField(required=False, help_text="The reviewer's external id; unknown customers are created.")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)

    def to_internal_value(self, data) -> dict:
        values = super().to_internal_value(data)
        values["product"] = values.pop("product_id")
        values["customer_external_id"] = values.pop("customer_id", "")
        return values
