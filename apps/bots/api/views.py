"""Bot sessions over the API: list and read flagged sessions, and judge one session now.

Rows are narrowed by the tenancy scope; another merchant's session is a 404, and naming another
merchant in the score request is the same field error as naming an unknown one.
"""
from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.bots.access import IsBotAnalyst
from apps.bots.api.serializers import BotSessionDetailSerializer, BotSessionSerializer, ScoreInputSerializer, VerdictSerializer
from apps.bots.selectors import BotSessionFilter, bot_session_list, session_events
from apps.bots.services import session_score
from apps.core.api.errors import error_responses
from apps.merchants.selectors import merchant_list

TIMELINE_EVENTS = 500


class BotSessionPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema_view(
    get=extend_schema(
        responses={200: BotSessionSerializer(many=True), **error_responses(400)},
        description="Flagged bot sessions of your merchants, newest flagged first, with score and reasons.",
    )
)
class BotSessionListView(generics.ListAPIView):
    permission_classes = [IsBotAnalyst]
    serializer_class = BotSessionSerializer
    pagination_class = BotSessionPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = BotSessionFilter

    def get_queryset(self):
        return bot_session_list(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        responses={200: BotSessionDetailSerializer, **error_responses(404)},
        description=f"One flagged session with its features, reasons and its first {TIMELINE_EVENTS} events in time order.",
    )
)
class BotSessionDetailView(generics.RetrieveAPIView):
    permission_classes = [IsBotAnalyst]
    serializer_class = BotSessionDetailSerializer

    def get_queryset(self):
        return bot_session_list(user=self.request.user)

    def get_object(self):
        session = super().get_object()
        session.timeline_events = session_events(
            merchant_id=session.merchant_id, session_id=session.session_id, limit=TIMELINE_EVENTS
        )
        return session


class BotSessionScoreView(APIView):
    permission_classes = [IsBotAnalyst]
    parser_classes = [JSONParser]

    @extend_schema(
        request=ScoreInputSerializer,
        responses={200: VerdictSerializer, **error_responses(400)},
        description=(
            "Judge one stored session now (production model, or the fallback rules without one) and store the "
            "verdict: a flagged session is created or updated, one that no longer looks automated is removed."
        ),
    )
    def post(self, request: Request) -> Response:
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = merchant_list(user=request.user).filter(slug=data.validated_data["merchant"]).first()
        if merchant is None:
            raise exceptions.ValidationError({"merchant": ["No such merchant."]})
        session_id = data.validated_data["session_id"]
        verdict = session_score(merchant=merchant, session_id=session_id)
        if verdict is None:
            raise exceptions.ValidationError({"session_id": ["No events of this session on this merchant's storefront."]})
        return Response(VerdictSerializer({
            "merchant": merchant.slug,
            "session_id": session_id,
            "judged": verdict.judged,
            "flagged": verdict.flagged,
            "score": verdict.score,
            "method": verdict.method,
            "events": verdict.events,
            "features": verdict.features,
            "reasons": verdict.reasons,
            "bot_session": verdict.session.pk if verdict.session else None,
        }).data)
