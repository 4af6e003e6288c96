from rest_framework import serializers

from apps.core.api.fields import ExternalIdField, JSONObjectField, MoneyField, PlausibleDateTimeField
from apps.events.models import Event, EventType
from apps.events.services import EventRow


class EventOutputSerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="external_id")
    event_type = serializers.CharField(source="type")
    merchant_id = serializers.CharField(source="merchant.external_id", default=None, allow_null=True)
    customer_id = serializers.CharField(source="customer.external_id", default=None, allow_null=True)
    product_id = serializers.CharField(source="product.external_id", default=None, allow_null=True)
    properties = JSONObjectField()

    class Meta:
        model = Event
        fields = [
            "event_id",
            "event_type",
            "timestamp",
            "merchant_id",
            "customer_id",
            "anonymous_id",
            "session_id",
            "product_id",
            "query",
            "value",
            "properties",
            "recommendation_id",
            "created_at",
        ]


class EventInputSerializer(serializers.Serializer):
    """One storefront event. The merchant comes from the product, or `merchant_id`, or (for a
    single-merchant caller) the caller's merchant."""

    event_id = ExternalIdField(help_text="Your unique id for the event; replays are ignored.")
    timestamp = PlausibleDateTimeField()
    event_type = serializers.ChoiceField(choices=EventType.choices)
    customer_id = ExternalIdField(required=False, allow_blank=True)
    anonymous_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    session_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    product_id = ExternalIdField(required=False, allow_blank=True)
    merchant_id = ExternalIdField(required=False, allow_blank=True, help_text="Merchant external id.")
    query = serializers.CharField(max_length=300, required=False, allow_blank=True)
    value = MoneyField(required=False, allow_null=True)
    properties = JSONObjectField(required=False)
    recommendation_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="The recommendation_id of the recommendation list that led to this impression, click or purchase.",
    )

    def to_internal_value(self, data) -> EventRow:
        values = super().to_internal_value(data)
        return EventRow(
            external_id=values["event_id"],
            type=values["event_type"],
            timestamp=values["timestamp"],
            customer_external_id=values.get("customer_id", ""),
            anonymous_id=values.get("anonymous_id", ""),
            session_id=values.get("session_id", ""),
            product_external_id=values.get("product_id", ""),
            merchant_external_id=values.get("merchant_id", ""),
            query=values.get("query", ""),
            value=values.get("value"),
            properties=values.get("properties", {}),
            recommendation_id=values.get("recommendation_id", ""),
        )


class EventIngestOutputSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
