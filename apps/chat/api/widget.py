"""A merchant's chat widget settings over the API: the storefront origins allowed to open its chat."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.chat.models import WidgetSettings
from apps.chat.origins import InvalidOrigin
from apps.chat.widget_settings import MAX_ORIGINS, TooManyOrigins, widget_origins, widget_origins_set
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataWriter
from apps.merchants.selectors import merchant_get


class WidgetSettingsSerializer(serializers.Serializer):
    merchant = serializers.SlugField(read_only=True)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=300),
        max_length=MAX_ORIGINS,
        allow_empty=True,
        help_text="Storefront origins (scheme://host[:port]) whose pages may open this merchant's chat widget; "
        "empty: ShopSignal's own site only. Normalised (lower case, default port dropped) and de-duplicated.",
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


def _payload(slug: str, merchant_id: int) -> dict:
    updated = WidgetSettings.objects.filter(merchant_id=merchant_id).values_list("updated_at", flat=True).first()
    return {"merchant": slug, "allowed_origins": widget_origins(merchant_id), "updated_at": updated}


SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The merchant's slug.")


class WidgetSettingsView(APIView):
    """Read by any staff of the merchant; changed by its merchant staff and platform admins."""

    permission_classes = [IsMerchantDataWriter]
    parser_classes = [JSONParser]

    @extend_schema(parameters=[SLUG], responses={200: WidgetSettingsSerializer, **error_responses(404)},
                   summary="Read a merchant's chat widget origins")
    def get(self, request: Request, slug: str) -> Response:
        merchant = merchant_get(user=request.user, slug=slug)
        return Response(WidgetSettingsSerializer(_payload(merchant.slug, merchant.pk)).data)

    @extend_schema(
        parameters=[SLUG],
        request=WidgetSettingsSerializer,
        responses={200: WidgetSettingsSerializer, **error_responses(400, 404)},
        summary="Replace a merchant's chat widget origins",
        description="The websocket and `/api/v1/chat/messages` then refuse pages of any other origin (except "
        "ShopSignal's own site) for this merchant's widget, shopper tokens included. Idempotent.",
    )
    def put(self, request: Request, slug: str) -> Response:
        merchant = merchant_get(user=request.user, slug=slug)
        data = WidgetSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            widget_origins_set(actor=request.user, merchant=merchant, origins=data.validated_data["allowed_origins"])
        except (InvalidOrigin, TooManyOrigins) as exc:
            raise ValidationError({"allowed_origins": [str(exc)]}) from exc
        return Response(WidgetSettingsSerializer(_payload(merchant.slug, merchant.pk)).data)
