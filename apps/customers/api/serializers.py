from rest_framework import serializers

from apps.core.api.fields import ExternalIdField
from apps.core.security_pii import PiiMaskingSerializerMixin
from apps.customers.models import Customer
from apps.merchants.api.fields import WritableMerchantField


class CustomerOutputSerializer(PiiMaskingSerializerMixin, serializers.ModelSerializer):
    pii_fields = {"email": "email"}

    class Meta:
        model = Customer
        fields = ["external_id", "email", "name", "country", "marketing_opt_in", "created_at", "updated_at"]


class CustomerUpdateInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, allow_blank=True, required=False)
    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    country = serializers.RegexField(
        r"^[A-Z]{2}$", allow_blank=True, required=False, help_text="ISO 3166-1 alpha-2 billing country."
    )
    marketing_opt_in = serializers.BooleanField(required=False)


class CustomerCreateInputSerializer(CustomerUpdateInputSerializer):
    external_id = ExternalIdField()
    merchant = WritableMerchantField()
