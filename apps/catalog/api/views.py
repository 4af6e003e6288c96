"""Products (scoped to the caller's merchants, writable by merchant staff) and the shared category tree."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.catalog import services
from apps.catalog.api.serializers import (
    CategoryOutputSerializer,
    ProductCreateInputSerializer,
    ProductOutputSerializer,
    ProductUpdateInputSerializer,
)
from apps.catalog.models import Category, Product
from apps.catalog.selectors import CategoryFilter, ProductFilter, category_get, category_list, product_get, product_list
from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.permissions import IsMerchantDataReader


@extend_schema_view(
    list=extend_schema(responses={200: ProductOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: ProductOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=ProductCreateInputSerializer,
        responses={201: ProductOutputSerializer, **error_responses(400)},
    ),
    update=extend_schema(
        request=ProductUpdateInputSerializer,
        responses={200: ProductOutputSerializer, **error_responses(400, 404)},
    ),
    partial_update=extend_schema(
        request=ProductUpdateInputSerializer,
        responses={200: ProductOutputSerializer, **error_responses(400, 404)},
    ),
    destroy=extend_schema(responses={204: None, **error_responses(404)}),
)
class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    serializer_class = ProductOutputSerializer
    lookup_field = "external_id"
    filterset_class = ProductFilter
    ordering_fields = ["created_at", "title", "price", "stock"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return product_list(user=self.request.user)

    def get_object(self) -> Product:
        return product_get(user=self.request.user, external_id=self.kwargs["external_id"])

    def create(self, request: Request) -> Response:
        product = services.product_create(actor=request.user, **self.validated_input(ProductCreateInputSerializer))
        return self.output(product, created=True)

    def update(self, request: Request, external_id: str, partial: bool = False) -> Response:
        product = self.get_object()
        changes = self.validated_input(ProductUpdateInputSerializer, partial=partial)
        return self.output(services.product_update(actor=request.user, product=product, **changes))

    def partial_update(self, request: Request, external_id: str) -> Response:
        return self.update(request, external_id, partial=True)

    def destroy(self, request: Request, external_id: str) -> Response:
        services.product_delete(actor=request.user, product=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(responses={200: CategoryOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: CategoryOutputSerializer, **error_responses(404)}),
)
class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    """The marketplace-wide taxonomy: every staff role reads all of it; it is curated in the admin."""

    permission_classes = [IsMerchantDataReader]
    serializer_class = CategoryOutputSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = CategoryFilter
    ordering_fields = ["path", "depth"]
    ordering = ["path"]

    def get_queryset(self):
        return category_list()

    def get_object(self) -> Category:
        return category_get(slug=self.kwargs["slug"])
