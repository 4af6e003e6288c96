"""Risk settings per merchant over the API: read by the merchant's staff and platform staff,
changed by fraud analysts and platform admins (see apps.fraud.risk_settings)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.permissions import IsMerchantDataReader
from apps.fraud.cases import CaseForbidden
from apps.fraud.models import RiskSettings, Rule
from apps.fraud.risk_settings import (
    MAX_REVIEW_SLA_MINUTES,
    risk_settings_for,
    risk_settings_for_merchants,
    risk_settings_update,
)
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_get, merchant_list

THRESHOLD = {"min_value": 0.0, "max_value": 1.0, "allow_null": True}


class RiskSettingsOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    disabled_rules = serializers.SerializerMethodField()

    class Meta:
        model = RiskSettings
        fields = ["merchant", "review_threshold", "decline_threshold", "disabled_rules", "review_sla_minutes", "updated_at"]

    def get_disabled_rules(self, settings: RiskSettings) -> list[str]:
        # a merchant whose settings were never changed has no row, hence no rules to read
        return sorted(rule.name for rule in settings.disabled_rules.all()) if settings.pk else []


class RiskSettingsInputSerializer(serializers.Serializer):
    review_threshold = serializers.FloatField(**THRESHOLD, help_text="0..1; null: the platform's or the model's.")
    decline_threshold = serializers.FloatField(
        **THRESHOLD, help_text="0..1, not below review; null: the platform's or the model's."
    )
    disabled_rules = serializers.SlugRelatedField(
        slug_field="name", queryset=Rule.objects.all(), many=True, help_text="Names of rules that do not apply to this merchant."
    )
    review_sla_minutes = serializers.IntegerField(min_value=1, max_value=MAX_REVIEW_SLA_MINUTES)


@extend_schema_view(
    list=extend_schema(responses={200: RiskSettingsOutputSerializer(many=True), **error_responses()}),
    retrieve=extend_schema(responses={200: RiskSettingsOutputSerializer, **error_responses(404)}),
    partial_update=extend_schema(
        request=RiskSettingsInputSerializer, responses={200: RiskSettingsOutputSerializer, **error_responses(400, 404)}
    ),
    update=extend_schema(
        request=RiskSettingsInputSerializer, responses={200: RiskSettingsOutputSerializer, **error_responses(400, 404)}
    ),
)
class RiskSettingsViewSet(mixins.ListModelMixin, MerchantDataViewSet):
    """One settings object per merchant, addressed by merchant slug; a merchant never changed has the defaults."""

    serializer_class = RiskSettingsOutputSerializer
    permission_classes = [IsMerchantDataReader]
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,50}"
    filter_backends: list = []

    def get_queryset(self):
        return merchant_list(user=self.request.user)

    def list(self, request: Request) -> Response:
        merchants = self.paginate_queryset(self.get_queryset())
        rows = risk_settings_for_merchants(merchants=merchants)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def _merchant(self) -> Merchant:
        return merchant_get(user=self.request.user, slug=self.kwargs["slug"])

    def retrieve(self, request: Request, slug: str) -> Response:
        return Response(self.get_serializer(risk_settings_for(merchant=self._merchant())).data)

    def update(self, request: Request, slug: str) -> Response:
        return self._change(partial=False)

    def partial_update(self, request: Request, slug: str) -> Response:
        return self._change(partial=True)

    def _change(self, *, partial: bool) -> Response:
        merchant = self._merchant()
        current = risk_settings_for(merchant=merchant)
        values = {
            "review_threshold": current.review_threshold,
            "decline_threshold": current.decline_threshold,
            "disabled_rules": list(current.disabled_rules.all()) if current.pk else [],
            "review_sla_minutes": current.review_sla_minutes,
            **self.validated_input(RiskSettingsInputSerializer, partial=partial),
        }
        try:
            settings = risk_settings_update(actor=self.request.user, merchant=merchant, **values)
        except CaseForbidden as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(self.get_serializer(settings).data)
