"""Customers the caller's merchants have dealt with; staff may add or edit them."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.customers import services
from apps.customers.api.serializers import (
    CustomerCreateInputSerializer,
    CustomerOutputSerializer,
    CustomerUpdateInputSerializer,
)
from apps.customers.models import Customer
from apps.customers.selectors import CustomerFilter, customer_get, customer_list


@extend_schema_view(
    list=extend_schema(responses={200: CustomerOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: CustomerOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=CustomerCreateInputSerializer,
        responses={201: CustomerOutputSerializer, 200: CustomerOutputSerializer, **error_responses(400)},
        description="Creates the customer, or links an existing one to the merchant (200) filling only blank fields.",
    ),
    update=extend_schema(
        request=CustomerUpdateInputSerializer,
        responses={200: CustomerOutputSerializer, **error_responses(400, 404)},
    ),
    partial_update=extend_schema(
        request=CustomerUpdateInputSerializer,
        responses={200: CustomerOutputSerializer, **error_responses(400, 404)},
    ),
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = CustomerOutputSerializer
    lookup_field = "external_id"
    filterset_class = CustomerFilter
    ordering_fields = ["created_at", "email", "country"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return customer_list(user=self.request.user)

    def get_object(self) -> Customer:
        return customer_get(user=self.request.user, external_id=self.kwargs["external_id"])

    def create(self, request: Request) -> Response:
        customer, created = services.customer_upsert(
            actor=request.user, **self.validated_input(CustomerCreateInputSerializer)
        )
        return self.output(customer, created=created)

    def update(self, request: Request, external_id: str, partial: bool = False) -> Response:
        customer = self.get_object()
        changes = self.validated_input(CustomerUpdateInputSerializer, partial=partial)
        return self.output(services.customer_update(actor=request.user, customer=customer, **changes))

    def partial_update(self, request: Request, external_id: str) -> Response:
        return self.update(request, external_id, partial=True)
