from rest_framework import serializers
from rest_framework.fields import empty

from apps.catalog.models import Category, Product
from apps.core.api.fields import ExternalIdField, JSONObjectField, MoneyField
from apps.merchants.api.fields import WritableMerchantField


class CategoryOutputSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="path", read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "path", "depth", "parent"]


class ProductOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="path", read_only=True, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    attributes = JSONObjectField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "external_id",
            "merchant",
            "title",
            "description",
            "price",
            "currency",
            "category",
            "attributes",
            "customisable",
            "stock",
            "active",
            "tags",
            "created_at",
            "updated_at",
        ]


class CategoryPathField(serializers.CharField):
    """An existing category, by its full path ("Home > Drinkware > Mugs"); the taxonomy is curated, not grown by clients."""

    default_error_messages = {"unknown": "Unknown category {path!r}."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 400)
        super().__init__(**kwargs)

    def run_validation(self, data=empty) -> Category | None:
        path = super().run_validation(data)
        if path is None:
            return None
        category = Category.objects.filter(path=path).first()
        if category is None:
            self.fail("unknown", path=path)
        return category


class ProductUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    price = MoneyField(max_digits=10)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217 code, e.g. USD.")
    category = CategoryPathField(required=False, allow_null=True)
    attributes = JSONObjectField(required=False)
    customisable = serializers.BooleanField(required=False)
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    active = serializers.BooleanField(required=False)
    tags = serializers.ListField(
        child=serializers.RegexField(r"\w", max_length=64), max_length=50, required=False, help_text="Tag names."
    )


class ProductCreateInputSerializer(ProductUpdateInputSerializer):
    external_id = ExternalIdField()
    merchant = WritableMerchantField()


class TagSuggestInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    category = serializers.CharField(
        max_length=400, required=False, allow_blank=True, default="", help_text="Category path, when known."
    )


class TagSuggestionSerializer(serializers.Serializer):
    family = serializers.ChoiceField(choices=["category", "attributes", "occasions", "materials", "colours"])
    value = serializers.CharField()
    confidence = serializers.FloatField(help_text="0..1")
    source = serializers.CharField(help_text="vocabulary, model, or model+vocabulary when both agree.")


class TagSuggestOutputSerializer(serializers.Serializer):
    suggestions = TagSuggestionSerializer(many=True)
    model_version = serializers.IntegerField(
        allow_null=True, help_text="The tagging model version used; null when vocabulary matching answered alone."
    )
