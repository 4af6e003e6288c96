"""Tag suggestions over the API: for a draft listing (title and description) or a stored product."""
from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.api.serializers import TagSuggestInputSerializer, TagSuggestOutputSerializer
from apps.catalog.selectors import product_get
from apps.catalog.tagging import SuggestionSet, suggestions_for_product, suggestions_for_text
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataWriter


def _payload(found: SuggestionSet) -> dict:
    return {"suggestions": [asdict(s) for s in found.suggestions], "model_version": found.model_version}


class TagSuggestView(APIView):
    permission_classes = [IsMerchantDataWriter]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="products_tags_suggest",
        request=TagSuggestInputSerializer,
        responses={200: TagSuggestOutputSerializer, **error_responses(400)},
        description="Suggested category, attributes, occasions, materials and colours for a listing's text, "
        "each with a confidence. Nothing is stored.",
    )
    def post(self, request: Request) -> Response:
        serializer = TagSuggestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        found = suggestions_for_text(title=data["title"], description=data["description"], category=data["category"] or None)
        return Response(_payload(found))


class ProductTagSuggestView(APIView):
    permission_classes = [IsMerchantDataWriter]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="products_tags_suggest_for_product",
        request=None,
        responses={200: TagSuggestOutputSerializer, **error_responses(404)},
        description="Suggestions for a stored product, leaving out what it already carries and what a "
        "merchant rejected for it before.",
    )
    def post(self, request: Request, external_id: str) -> Response:
        product = product_get(user=request.user, external_id=external_id)
        return Response(_payload(suggestions_for_product(product=product)))
