"""Chat over HTTP: the storefront's shopper token, and the widget's fallback when websockets are unavailable."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.chat import selectors, services
from apps.chat.api.serializers import (
    ConversationMessagesSerializer,
    MessageInputSerializer,
    MessagesQuerySerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from apps.chat.groups import batch_event, broadcast_sync, inbox_send_sync
from apps.chat.identity import InvalidToken, identity_resolve, shopper_token_issue
from apps.chat.models import Conversation
from apps.chat.origins import header_origin, origin_allowed, own_site
from apps.chat.ratelimit import ip_allow
from apps.core.api.errors import error_responses
from apps.core.permissions import IsMerchantDataReader
from apps.core.tenancy import scope_for_user
from apps.customers.models import MerchantCustomer
from apps.merchants.models import Merchant


class CanIssueShopperTokens(IsMerchantDataReader):
    message = "Shopper tokens are issued to merchant API clients and platform admins."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return super().has_permission(request, view) and (user.is_superuser or user.role in {"merchant_staff",
                                                                                              "platform_admin"})


class ChatTokenView(APIView):
    permission_classes = [CanIssueShopperTokens]

    @extend_schema(
        request=TokenInputSerializer,
        responses={201: TokenOutputSerializer, **error_responses(400)},
        summary="Issue a signed chat token for one of your customers",
        description="The storefront's backend calls this and puts the token on the widget's script tag; the "
        "shopper then sees their own orders in the chat. Unknown merchants and merchants you are not a member "
        "of are the same error.",
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        merchant = scope_for_user(Merchant.objects.all(), request.user).filter(slug=data.validated_data["merchant"]).first()
        if merchant is None:
            raise ValidationError({"merchant": ["Unknown merchant."]})
        customer_id = data.validated_data["customer_id"]
        link = MerchantCustomer.objects.filter(merchant=merchant, customer__external_id=customer_id).first()
        if link is None:
            raise ValidationError({"customer_id": ["No such customer of this merchant."]})
        token = shopper_token_issue(merchant_id=merchant.pk, customer_id=link.customer_id)
        return Response({"token": token, "expires_in": settings.CHAT_TOKEN_MAX_AGE_SECONDS}, status=status.HTTP_201_CREATED)


def _origin_check(request: Request, slug: str) -> int:
    """The storefront's merchant id, once the calling page's origin is one its widget may run on."""
    found = Merchant.objects.filter(slug=slug).values_list("id", "chat_widget__allowed_origins").first()
    if found is None:
        raise NotFound("No such storefront.")
    merchant_id, allowed = found
    origin = header_origin({"origin": request.headers.get("Origin", ""), "referer": request.headers.get("Referer", "")})
    if not origin_allowed(origin, allowed or []):
        raise PermissionDenied(f"This storefront's chat does not accept requests from {origin}.")
    request.chat_origin = origin
    return merchant_id


def _identity(request: Request, data: dict):
    merchant_id = _origin_check(request, data["merchant"])
    try:
        return identity_resolve(merchant_id=merchant_id, user=request.user, token=data.get("token", ""),
                                visitor=data.get("visitor", ""))
    except InvalidToken as exc:
        raise ValidationError({"token": [str(exc)]}) from exc


class ChatMessagesView(APIView):
    """Open to shoppers: anonymous visitors, signed-in customers, or holders of a shopper token.

    A storefront on another domain listed in the merchant's widget origins calls it cross-origin:
    its preflight (OPTIONS with `?merchant=`) and responses carry CORS headers for that origin only.
    """

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def options(self, request: Request, *args, **kwargs) -> Response:
        slug = request.query_params.get("merchant", "")
        if not slug:
            raise ValidationError({"merchant": ["Name the storefront: ?merchant=<slug>."]})
        _origin_check(request, slug)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Access-Control-Allow-Methods"] = "GET, POST"
        response["Access-Control-Allow-Headers"] = "Content-Type, X-CSRFToken"
        response["Access-Control-Max-Age"] = "600"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = getattr(request, "chat_origin", None)
        if origin and not own_site(origin):  # only reached for an origin the storefront allows
            response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin" if "Vary" not in response else f"{response['Vary']}, Origin"
        return response

    @extend_schema(
        parameters=[MessagesQuerySerializer],
        responses={200: ConversationMessagesSerializer, **error_responses(400, 404)},
        summary="Read your conversation (polling fallback)",
        description="The messages of the caller's open conversation on this storefront after `after`.",
    )
    def get(self, request: Request) -> Response:
        query = MessagesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        identity, visitor = _identity(request, query.validated_data)
        conversation = services.conversation_for(identity)
        messages = selectors.transcript(conversation.pk, after=query.validated_data["after"])
        return Response(_payload(conversation, visitor, messages))

    @extend_schema(
        request=MessageInputSerializer,
        responses={201: ConversationMessagesSerializer, **error_responses(400, 404)},
        summary="Send a message (fallback when websockets are unavailable)",
        description="Stores the message, lets the bot answer (unless an agent has the conversation) and returns "
        "the stored message and the replies. Messages over the size limit are refused (400, `text`).",
    )
    def post(self, request: Request) -> Response:
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        identity, visitor = _identity(request, data.validated_data)
        if not ip_allow(request.META.get("REMOTE_ADDR", "unknown")):
            raise Throttled(detail="Too many chat messages from your network; please wait a minute.")
        conversation = services.conversation_for(identity)
        try:
            turn = services.shopper_message_handle(identity=identity, conversation_id=conversation.pk,
                                                   text=data.validated_data["text"],
                                                   client_id=data.validated_data.get("client_id", ""),
                                                   conversation=conversation)
        except services.ChatRefused as refused:
            raise ValidationError({"text": [str(refused)]}) from refused
        messages = [turn.shopper_message, *turn.replies]
        if not turn.duplicate:
            with_agents = turn.conversation.status != Conversation.Status.BOT
            payloads = [{"type": "message", "message": selectors.message_payload(message)} for message in messages]
            broadcast_sync(conversation_id=turn.conversation.pk, inbox=with_agents, event=batch_event(payloads))
            if turn.handed_off:
                broadcast_sync(conversation_id=turn.conversation.pk, inbox=False,
                               event={"type": "chat.event", "payload": {"type": "status", "status": "waiting"}})
                summary = selectors.conversation_summary(turn.conversation)
                inbox_send_sync({"type": "chat.event", "payload": {"type": "conversation", "conversation": summary}})
        return Response(_payload(turn.conversation, visitor, messages), status=status.HTTP_201_CREATED)


def _payload(conversation: Conversation, visitor: str, messages) -> dict:
    return {"conversation": conversation.pk, "status": conversation.status, "visitor": visitor,
            "messages": [selectors.shopper_message_payload(m) for m in messages]}
