"""Alerts over the API: recommendations and preferences.

Shoppers (customer logins linked to a Customer) read their own and change their own; staff
read those of the customers their merchants have dealt with (platform staff: everyone) and
change nothing, since alerts are the shopper's choice. A customer outside the caller's reach
answers 404, like an unknown one.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from apps.alerts.api.serializers import (
    CustomerQuerySerializer,
    CustomerRecommendationsSerializer,
    PreferenceInputSerializer,
    PreferenceOutputSerializer,
)
from apps.alerts.recommendations import recommendations_for
from apps.alerts.selectors import alert_customer_get, alert_customers, is_shopper, preference_list, shopper_customer
from apps.alerts.services import UNCHANGED, PreferenceError, preference_set
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader

CUSTOMER_PARAMETER = OpenApiParameter(
    "customer_id", str, description="A customer's external id: only that customer (404 if not among yours)."
)


class ShopperOrStaffReader(BasePermission):
    """Staff as IsMerchantDataReader; shoppers only with a login linked to their Customer."""

    message = "This login is not linked to a shopper profile."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if is_shopper(user):
            return shopper_customer(user=user) is not None
        return IsMerchantDataReader().has_permission(request, view)


class _AlertsViewSet(viewsets.GenericViewSet):
    permission_classes = [ShopperOrStaffReader]
    parser_classes = [JSONParser]
    filter_backends: list = []

    def narrowed_customer(self):
        query = CustomerQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        external_id = query.validated_data.get("customer_id")
        return alert_customer_get(user=self.request.user, external_id=external_id) if external_id else None


class RecommendationViewSet(mixins.ListModelMixin, _AlertsViewSet):
    serializer_class = CustomerRecommendationsSerializer

    def get_queryset(self):
        customer = self.narrowed_customer()
        customers = alert_customers(user=self.request.user)
        return customers.filter(pk=customer.pk) if customer else customers

    @extend_schema(
        parameters=[CUSTOMER_PARAMETER],
        responses={200: CustomerRecommendationsSerializer(many=True), **error_responses(400, 404)},
        description="Alert types each customer would likely want: those at least 40% of the k most similar "
        "shoppers (cosine KNN on spending behaviour) have, with a confidence and a plain-language explanation. "
        "Types the customer already turned on or off are left out. Without a trained model, heuristic rules "
        "on the customer's own behaviour (source=rules).",
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(recommendations_for(customers=list(page)), many=True).data)


class PreferenceViewSet(mixins.ListModelMixin, _AlertsViewSet):
    serializer_class = PreferenceOutputSerializer

    def get_queryset(self):
        return preference_list(user=self.request.user, customer=self.narrowed_customer())

    @extend_schema(
        parameters=[CUSTOMER_PARAMETER],
        responses={200: PreferenceOutputSerializer(many=True), **error_responses(400, 404)},
        description="Alert preferences: a shopper's own, or those of your merchants' customers.",
    )
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        request=PreferenceInputSerializer,
        responses={200: PreferenceOutputSerializer, 201: PreferenceOutputSerializer, **error_responses(400)},
        description="Shoppers only: turn one alert type on or off for yourself (201 the first time you set it). "
        "Each change is logged with its source.",
    )
    def create(self, request: Request) -> Response:
        customer = shopper_customer(user=request.user)
        if customer is None:
            raise exceptions.PermissionDenied("Shoppers choose their own alerts; staff can read them only.")
        serializer = PreferenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = preference_list(user=request.user).filter(alert_type=data["alert_type"]).exists()
        try:
            preference = preference_set(
                customer=customer,
                alert_type=data["alert_type"],
                enabled=data["enabled"],
                monthly_limit=data.get("monthly_limit", UNCHANGED),
                actor=request.user,
                source=data["source"],
            )
        except PreferenceError as error:
            raise exceptions.ValidationError({error.field: [str(error)]}) from error
        return Response(
            PreferenceOutputSerializer(preference).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )
