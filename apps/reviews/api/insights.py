"""Review analysis over the API: analyse a text, and read a product's or a merchant's review insights."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.catalog.selectors import product_get
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader
from apps.merchants.selectors import merchant_get
from apps.reviews.api.insights_serializers import AnalyzeInputSerializer, AnalyzeOutputSerializer, InsightsOutputSerializer
from apps.reviews.insights import merchant_insights, product_insights, topics_for_user
from apps.reviews.scoring import active_scorer, catalog_lexicon
from ml.text.analysis import analyze_texts


class AnalyzeView(APIView):
    permission_classes = [IsMerchantDataReader]
    parser_classes = [JSONParser]

    @extend_schema(
        request=AnalyzeInputSerializer,
        responses={200: AnalyzeOutputSerializer, **error_responses(400)},
        description="Sentiment of a text and of each sentence, the aspects it talks about with the sentiment "
        "of the clause about each and that clause as evidence, and the topic of your merchants' reviews it fits. "
        "Nothing is stored.",
    )
    def post(self, request: Request) -> Response:
        serializer = AnalyzeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text = serializer.validated_data["text"]
        active = active_scorer()
        [result] = analyze_texts([text], scorer=active.scorer, lexicon=catalog_lexicon())
        model = topics_for_user(user=request.user)
        topic = None
        if model is not None:
            [assigned] = model.assign([text])
            topic = vars(model.topics[assigned]) if assigned is not None else None
        topics = {
            "topic": topic,
            "topics": [vars(t) for t in model.topics] if model else [],
            "coherence": model.coherence if model else None,
        }
        return Response(result.as_dict() | {"topics": topics, "model_version": active.version})


class ProductInsightsView(APIView):
    permission_classes = [IsMerchantDataReader]

    @extend_schema(
        parameters=[OpenApiParameter("external_id", str, OpenApiParameter.PATH, description="The product's id.")],
        responses={200: InsightsOutputSerializer, **error_responses(404)},
        description="What a product's reviews say: sentiment counts and weekly trend, aspects, topics, pros and "
        "cons with counts, and weeks whose negative share broke above its Bollinger band.",
    )
    def get(self, request: Request, external_id: str) -> Response:
        product = product_get(user=request.user, external_id=external_id)
        return Response(product_insights(user=request.user, external_id=product.external_id).as_dict())


class MerchantInsightsView(APIView):
    permission_classes = [IsMerchantDataReader]

    @extend_schema(
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The merchant's slug.")],
        responses={200: InsightsOutputSerializer, **error_responses(404)},
        description="The same insights over all of a merchant's reviews; alerts are per product, category and aspect.",
    )
    def get(self, request: Request, slug: str) -> Response:
        merchant = merchant_get(user=request.user, slug=slug)
        return Response(merchant_insights(user=request.user, merchant_ids=[merchant.pk]).as_dict())
