from rest_framework import serializers

from apps.merchants.models import Merchant


class MerchantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = ["slug", "name", "external_id", "created_at"]
