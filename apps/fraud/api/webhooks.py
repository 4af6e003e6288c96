"""Decision webhooks over the API: merchants register endpoints and watch (and redeliver) deliveries.

Endpoints are the merchant's integration settings, so merchant staff and platform admins manage
them; other platform staff may read them. The signing secret is answered once, on creation.
"""

from __future__ import annotations

import django_filters
from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.tenancy import scope_for_user
from apps.fraud.models import WebhookDelivery, WebhookEndpoint
from apps.fraud.webhooks import webhook_endpoint_create, webhook_endpoint_delete, webhook_endpoint_update, webhook_redeliver
from apps.merchants.api.fields import WritableMerchantField

webhook_url = serializers.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])


class EndpointOutputSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    secret_hint = serializers.SerializerMethodField(help_text="The first characters of the secret, to tell secrets apart.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "merchant", "url", "active", "secret_hint", "created_at", "updated_at"]

    def get_secret_hint(self, endpoint: WebhookEndpoint) -> str:
        return endpoint.secret[:10] + "…"


class EndpointCreatedSerializer(EndpointOutputSerializer):
    secret = serializers.CharField(help_text="Shown only in this answer: store it to verify signatures.")

    class Meta(EndpointOutputSerializer.Meta):
        fields = [*EndpointOutputSerializer.Meta.fields, "secret"]


class EndpointCreateInputSerializer(serializers.Serializer):
    merchant = WritableMerchantField()
    url = webhook_url


class EndpointUpdateInputSerializer(serializers.Serializer):
    url = webhook_url
    active = serializers.BooleanField()


class DeliveryOutputSerializer(serializers.ModelSerializer):
    endpoint_url = serializers.CharField(source="endpoint.url")
    merchant = serializers.CharField(source="endpoint.merchant.slug")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "endpoint_url",
            "merchant",
            "event",
            "payload",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        ]


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)
    event = django_filters.CharFilter(max_length=32)
    endpoint = django_filters.NumberFilter(field_name="endpoint_id", min_value=1)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event", "endpoint"]


@extend_schema_view(
    list=extend_schema(responses={200: EndpointOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: EndpointOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=EndpointCreateInputSerializer, responses={201: EndpointCreatedSerializer, **error_responses(400)}
    ),
    partial_update=extend_schema(
        request=EndpointUpdateInputSerializer, responses={200: EndpointOutputSerializer, **error_responses(400, 404)}
    ),
    destroy=extend_schema(responses={204: None, **error_responses(404)}),
)
class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = EndpointOutputSerializer
    lookup_value_regex = r"\d{1,18}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return scope_for_user(WebhookEndpoint.objects.select_related("merchant"), self.request.user)

    def create(self, request: Request) -> Response:
        endpoint, secret = webhook_endpoint_create(actor=request.user, **self.validated_input(EndpointCreateInputSerializer))
        endpoint.secret = secret
        return Response(EndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        values = self.validated_input(EndpointUpdateInputSerializer, partial=True)
        return Response(self.get_serializer(webhook_endpoint_update(actor=request.user, endpoint=endpoint, **values)).data)

    def destroy(self, request: Request, pk: str) -> Response:
        webhook_endpoint_delete(actor=request.user, endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(responses={200: DeliveryOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: DeliveryOutputSerializer, **error_responses(404)}),
)
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = DeliveryOutputSerializer
    filterset_class = DeliveryFilter
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        return scope_for_user(WebhookDelivery.objects.select_related("endpoint", "endpoint__merchant"), self.request.user)

    @extend_schema(
        request=None,
        responses={200: DeliveryOutputSerializer, **error_responses(404)},
        description="Send again with a fresh set of attempts (dead letters, or a delivered one the receiver lost).",
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, pk: str) -> Response:
        delivery = self.get_object()
        if delivery.status == WebhookDelivery.Status.PENDING:
            raise exceptions.ValidationError({"status": ["This delivery is still being attempted."]})
        return Response(self.get_serializer(webhook_redeliver(actor=request.user, delivery=delivery)).data)
