"""Output shapes of the abuse endpoints, and the one input (which detectors to re-run)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.abuse.models import Ring, RingMember, ScalpingFlag
from apps.abuse.tasks import DETECTORS


class ScalpingFlagSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product = serializers.SlugRelatedField(slug_field="external_id", read_only=True)
    product_title = serializers.CharField(source="product.title", read_only=True)
    source = serializers.ChoiceField(choices=["model", "rules"], read_only=True, help_text="Who raised the flag.")
    model_version = serializers.IntegerField(source="model_version.version", allow_null=True, default=None, read_only=True)
    customers = serializers.SlugRelatedField(slug_field="external_id", many=True, read_only=True)
    payments = serializers.SlugRelatedField(slug_field="transaction_id", many=True, read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    features = serializers.DictField(child=serializers.FloatField(), read_only=True)
    account_units = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Customer database id to units bought in the window."
    )

    class Meta:
        model = ScalpingFlag
        fields = [
            "id", "merchant", "product", "product_title", "accounts", "units", "window_start", "window_end", "score",
            "source", "model_version", "reasons", "features", "account_units", "customers", "payments", "detected_at",
        ]


class RingSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Ring
        fields = ["id", "merchant", "score", "buyers", "active", "reasons", "first_seen_at", "last_seen_at"]


class RingMemberSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="external_id", read_only=True, allow_null=True)

    class Meta:
        model = RingMember
        fields = ["kind", "value", "customer"]


class RingNodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=[*RingMember.Kind.values, "seller"])
    label = serializers.CharField()


class RingEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    kind = serializers.CharField(help_text="orders (buyer to seller) or the identity kind the buyer used")
    weight = serializers.IntegerField(help_text="orders for buyer-seller edges, 1 otherwise")


class RingDetailSerializer(RingSerializer):
    features = serializers.DictField(child=serializers.FloatField(), read_only=True)
    members = RingMemberSerializer(many=True, read_only=True)
    nodes = serializers.SerializerMethodField()
    edges = serializers.SerializerMethodField()

    class Meta(RingSerializer.Meta):
        fields = [*RingSerializer.Meta.fields, "features", "members", "nodes", "edges"]

    @extend_schema_field(RingNodeSerializer(many=True))
    def get_nodes(self, ring: Ring) -> list[dict]:
        return ring.nodes

    @extend_schema_field(RingEdgeSerializer(many=True))
    def get_edges(self, ring: Ring) -> list[dict]:
        return ring.edges


class DetectInputSerializer(serializers.Serializer):
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=list(DETECTORS)),
        required=False,
        allow_empty=False,
        help_text="Detectors to run; default: all of them.",
    )


class DetectOutputSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    status = serializers.CharField(help_text="Celery state: SUCCESS when it ran inline, PENDING while queued.")
    results = serializers.DictField(
        child=serializers.DictField(), allow_null=True, help_text="Each detector's summary, once it has run."
    )
