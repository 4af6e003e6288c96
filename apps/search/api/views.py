"""Catalog search for storefronts and platform clients, and the synonyms merchandisers edit."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.tenancy import merchant_ids_for_user, sees_all_merchants
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_for_writer, merchant_list
from apps.search import services
from apps.search.api.serializers import (
    SearchHitSerializer,
    SearchInputSerializer,
    SearchOutputSerializer,
    SynonymInputSerializer,
    SynonymOutputSerializer,
)
from apps.search.engine import SearchRequest, search
from apps.search.models import SearchSynonym
from apps.search.selectors import synonym_get, synonym_list
from ml.search.text import normalise_query


def _scope(user, reference: str | None) -> list[int] | None:
    """The storefronts to search: the caller's (all for platform clients), or the one named, if theirs."""
    if reference:
        merchant = merchant_for_writer(user=user, reference=reference)
        if merchant is None:
            raise ValidationError({"merchant": [f"Unknown merchant {reference!r}."]})
        return [merchant.pk]
    return merchant_ids_for_user(user)


class SearchView(APIView):
    @extend_schema(
        parameters=[SearchInputSerializer],
        responses={200: SearchOutputSerializer, **error_responses(400)},
        description="Search the catalog: full-text with typo tolerance and synonyms, ranked with what shoppers "
        "engaged with after the same query, with facets. Merchant clients search their own storefront; platform "
        "clients every storefront, or one with `merchant`. Without `q` it browses (newest first).",
    )
    def get(self, request: Request) -> Response:
        serializer = SearchInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        merchant_ids = _scope(request.user, data.get("merchant"))
        result = search(
            SearchRequest(
                query=data["q"],
                merchant_ids=merchant_ids,
                category=data["category"],
                min_price=data.get("min_price"),
                max_price=data.get("max_price"),
                sort=data["sort"],
                limit=data["limit"],
                offset=data["offset"],
            )
        )
        single = merchant_ids[0] if merchant_ids is not None and len(merchant_ids) == 1 else None
        services.search_log(merchant_id=single, query=result.query, results=result.count)
        hits = SearchHitSerializer(result.products, many=True, context={"scores": result.scores, "request": request})
        return Response(
            {
                "query": result.query,
                "expansions": result.expansions,
                "count": result.count,
                "ranking": result.ranking,
                "facets": result.facets,
                "results": hits.data,
            }
        )


@extend_schema_view(
    list=extend_schema(responses={200: SynonymOutputSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(responses={200: SynonymOutputSerializer, **error_responses(404)}),
    create=extend_schema(
        request=SynonymInputSerializer,
        responses={201: SynonymOutputSerializer, 200: SynonymOutputSerializer, **error_responses(400)},
        description="Create the synonyms of a term, or replace them if the term has an entry (200).",
    ),
    partial_update=extend_schema(
        request=SynonymInputSerializer, responses={200: SynonymOutputSerializer, **error_responses(400, 404)}
    ),
    destroy=extend_schema(responses={204: None, **error_responses(404)}),
)
class SynonymViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, MerchantDataViewSet):
    """Synonyms of the caller's storefronts and marketplace-wide ones (which only platform admins change)."""

    serializer_class = SynonymOutputSerializer
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["term", "created_at"]

    def get_queryset(self):
        return synonym_list(user=self.request.user)

    def get_object(self) -> SearchSynonym:
        return synonym_get(user=self.request.user, pk=self.kwargs["pk"])

    def _merchant_for_write(self, data: dict) -> Merchant | None:
        """The merchant named; else a member's only merchant; else (platform staff) marketplace-wide."""
        if data.get("merchant") is not None:
            return data["merchant"]
        if sees_all_merchants(self.request.user):
            return None
        merchants = merchant_list(user=self.request.user)
        if merchants.count() == 1:
            return merchants.get()
        raise ValidationError({"merchant": ["Name the merchant these synonyms are for."]})

    def _check_writable(self, merchant: Merchant | None) -> None:
        if merchant is None and not sees_all_merchants(self.request.user):
            raise PermissionDenied("Only platform staff change marketplace-wide synonyms.")

    def create(self, request: Request) -> Response:
        data = self.validated_input(SynonymInputSerializer)
        merchant = self._merchant_for_write(data)
        self._check_writable(merchant)
        existed = SearchSynonym.objects.filter(merchant=merchant, term=normalise_query(data["term"])).exists()
        entry = services.synonym_save(actor=request.user, merchant=merchant, term=data["term"], synonyms=data["synonyms"])
        return self.output(entry, created=not existed)

    def partial_update(self, request: Request, pk: str) -> Response:
        entry = self.get_object()
        self._check_writable(entry.merchant)
        data = self.validated_input(SynonymInputSerializer, partial=True)
        return self.output(services.synonym_update(actor=request.user, entry=entry, term=data.get("term"),
                                                   synonyms=data.get("synonyms")))

    def destroy(self, request: Request, pk: str) -> Response:
        entry = self.get_object()
        self._check_writable(entry.merchant)
        services.synonym_delete(actor=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)
