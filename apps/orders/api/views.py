"""Orders (create, move along the status machine) and payments (idempotent on transaction id)."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.orders import services
from apps.orders.api.serializers import (
    OrderCreateInputSerializer,
    OrderOutputSerializer,
    OrderTransitionInputSerializer,
    PaymentCreateInputSerializer,
    PaymentOutputSerializer,
)
from apps.orders.models import Order, Payment
from apps.orders.selectors import OrderFilter, PaymentFilter, order_get, order_list, payment_get, payment_list


@extend_schema_view(
    list=extend_schema(responses={200: OrderOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: OrderOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=OrderCreateInputSerializer,
        responses={201: OrderOutputSerializer, 200: OrderOutputSerializer, **error_responses(400)},
        description="Atomic. Replaying an order number you already have returns that order (200) unchanged.",
    ),
    transition=extend_schema(
        request=OrderTransitionInputSerializer,
        responses={200: OrderOutputSerializer, **error_responses(400, 404)},
        description="Move the order to a new status; a transition the status machine forbids is a 400 on `status`.",
    ),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = OrderOutputSerializer
    lookup_field = "number"
    lookup_value_regex = r"ORD-\d+"
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "placed_at", "total"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return order_list(user=self.request.user)

    def get_object(self) -> Order:
        return order_get(user=self.request.user, number=self.kwargs["number"])

    def create(self, request: Request) -> Response:
        order, created = services.order_create(actor=request.user, **self.validated_input(OrderCreateInputSerializer))
        return self.output(order_get(user=request.user, number=order.number), created=created)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, number: str) -> Response:
        order = self.get_object()
        status = self.validated_input(OrderTransitionInputSerializer)["status"]
        services.order_transition(actor=request.user, order=order, status=status)
        return self.output(self.get_object())


@extend_schema_view(
    list=extend_schema(responses={200: PaymentOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: PaymentOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=PaymentCreateInputSerializer,
        responses={201: PaymentOutputSerializer, 200: PaymentOutputSerializer, **error_responses(400)},
        description="Idempotent: replaying a transaction id you already have returns the stored payment (200).",
    ),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = PaymentOutputSerializer
    lookup_field = "transaction_id"
    filterset_class = PaymentFilter
    ordering_fields = ["created_at", "timestamp", "amount"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return payment_list(user=self.request.user)

    def get_object(self) -> Payment:
        return payment_get(user=self.request.user, transaction_id=self.kwargs["transaction_id"])

    def create(self, request: Request) -> Response:
        payment, created = services.payment_create(
            actor=request.user, **self.validated_input(PaymentCreateInputSerializer)
        )
        return self.output(payment_get(user=request.user, transaction_id=payment.transaction_id), created=created)
