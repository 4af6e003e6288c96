from decimal import Decimal

from rest_framework import serializers

from apps.catalog.api.serializers import ProductOutputSerializer
from apps.core.api.fields import MoneyField
from apps.merchants.api.fields import WritableMerchantField
from apps.search.engine import SORTS
from apps.search.models import SearchSynonym


class SearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text="What the shopper typed.")
    category = serializers.CharField(
        max_length=400, required=False, allow_blank=True, default="", help_text="Category path prefix."
    )
    min_price = MoneyField(max_digits=10, required=False)
    max_price = MoneyField(max_digits=10, required=False)
    sort = serializers.ChoiceField(choices=SORTS, required=False, default="relevance")
    merchant = serializers.CharField(
        max_length=64, required=False, help_text="Slug or external id: one storefront's catalog (platform clients)."
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=10_000, required=False, default=0)

    def validate(self, data: dict) -> dict:
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and Decimal(low) > Decimal(high):
            raise serializers.ValidationError({"max_price": "Must be at least min_price."})
        return data


class SearchHitSerializer(ProductOutputSerializer):
    """A product as `ProductOutputSerializer` shows it, plus its score, rendered from the engine's plain values.

    The declared fields document the shape (OpenAPI); `to_representation` fills it directly from
    the page's values (merchant slug, category path and tag names already resolved), because
    building this ModelSerializer's fields and running each of them cost more CPU than the whole
    text search for a page of 20. tests/search asserts the output equals ProductOutputSerializer's.
    """

    score = serializers.SerializerMethodField(help_text="Blended relevance in [0, 1]; 0 when browsing without a query.")

    class Meta(ProductOutputSerializer.Meta):
        fields = [*ProductOutputSerializer.Meta.fields, "score"]

    # The only values that need formatting, as ProductOutputSerializer's fields for them do it.
    _FORMATS = {
        "price": serializers.DecimalField(max_digits=10, decimal_places=2).to_representation,
        "created_at": serializers.DateTimeField().to_representation,
        "updated_at": serializers.DateTimeField().to_representation,
    }

    def get_score(self, product: dict) -> float:
        return self.context["scores"].get(product["id"], 0.0)

    def to_representation(self, product: dict) -> dict:
        formats = self._FORMATS
        data = {
            name: formats[name](product[name]) if name in formats else product[name]
            for name in ProductOutputSerializer.Meta.fields
        }
        data["score"] = self.get_score(product)
        return data


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class PriceFacetSerializer(FacetValueSerializer):
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    max_price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)


class FacetsSerializer(serializers.Serializer):
    category = FacetValueSerializer(many=True)
    price = PriceFacetSerializer(many=True)
    merchant = FacetValueSerializer(many=True)


class SearchOutputSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The normalised query.")
    expansions = serializers.ListField(child=serializers.CharField(), help_text="The query and its synonym rewrites.")
    count = serializers.IntegerField(help_text="Products matching the query and filters.")
    ranking = serializers.ChoiceField(choices=["learned", "text", "browse"])
    facets = FacetsSerializer()
    results = SearchHitSerializer(many=True)


class SynonymOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = SearchSynonym
        fields = ["id", "merchant", "term", "synonyms", "created_at", "updated_at"]


class SynonymInputSerializer(serializers.Serializer):
    merchant = WritableMerchantField(
        required=False, allow_null=True, help_text="One of your merchants; omitted by a platform admin: marketplace-wide."
    )
    term = serializers.CharField(max_length=100)
    synonyms = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1, max_length=20)
