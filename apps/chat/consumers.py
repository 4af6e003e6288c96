"""Websockets of the chat: the shopper's widget (`ws/chat/`) and the agents' inbox (`ws/chat/inbox/`).

Both are async; every database, cache or model call runs in a worker thread through
database_sync_to_async, so one slow query or prediction never stalls other sockets.
"""
from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import DatabaseSyncToAsync, database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.chat import selectors, services
from apps.chat.groups import INBOX_GROUP, batch_event, broadcast, conversation_group
from apps.chat.identity import InvalidToken, identity_resolve
from apps.chat.models import Conversation
from apps.chat.origins import origin_allowed, scope_origin
from apps.chat.ratelimit import ConnectionRate, ip_allow
from apps.merchants.models import Merchant

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def _event(kind: str, **payload) -> dict:
    return {"type": "chat.event", "payload": {"type": kind, **payload}}


def _message_event(message) -> dict:
    return _event("message", message=selectors.message_payload(message))


def _client_ip(scope) -> str:
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])


class ShopperChatConsumer(AsyncJsonWebsocketConsumer):
    """One shopper's chat on one storefront: `?merchant=<slug>` plus `token=` or `visitor=`,
    optionally `after=<message id>` (resume after a reconnect) or `conversation=<id>` (to rate it)."""

    async def connect(self):
        query = {k: v[-1] for k, v in parse_qs(self.scope.get("query_string", b"").decode()).items()}
        self.rate = ConnectionRate()
        self.ip = _client_ip(self.scope)
        self.group = None
        try:
            opened = await database_sync_to_async(self._open)(query)
        except InvalidToken as exc:
            await self.accept()
            await self.send_json({"type": "error", "code": "invalid_token", "detail": str(exc)})
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if opened is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if opened is False:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        hello, conversation_id = opened
        await self._join(conversation_id)
        await self.accept()
        await self.send_json(hello)

    def _open(self, query: dict):
        found = Merchant.objects.filter(slug=query.get("merchant", "")).values_list("id", "chat_widget__allowed_origins").first()
        if found is None:
            return None
        merchant_id, allowed = found
        if not origin_allowed(scope_origin(self.scope), allowed or []):
            return False  # a page that is neither this storefront nor ShopSignal's own site
        self.identity, visitor = identity_resolve(merchant_id=merchant_id, user=self.scope.get("user"),
                                                  token=query.get("token", ""), visitor=query.get("visitor", ""))
        if query.get("conversation", "").isdigit():
            conversation = services.conversation_owned(self.identity, int(query["conversation"]))
            if conversation is None:
                return False
        else:
            conversation = services.conversation_for(self.identity)
        after = int(query["after"]) if query.get("after", "").isdigit() else 0
        messages = [selectors.shopper_message_payload(m) for m in selectors.transcript(conversation.pk, after=after)]
        hello = {"type": "hello", "conversation": conversation.pk, "status": conversation.status, "visitor": visitor,
                 "signed_in": self.identity.signed_in, "messages": messages, "rated": conversation.csat is not None}
        # Kept as long as the socket: the bot's turns check it with a compare-and-swap instead of
        # reading the conversation again (services.shopper_message_handle).
        self.conversation = conversation
        return hello, conversation.pk

    async def _join(self, conversation_id: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        self.conversation_id = conversation_id
        self.group = conversation_group(conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message":
            await self._message(content)
        elif kind == "typing":
            await self.channel_layer.group_send(INBOX_GROUP, _event("typing", conversation=self.conversation_id,
                                                                    sender="shopper"))
        elif kind == "handoff":
            await self._handoff()
        elif kind == "rate":
            await self._rate(content)
        elif kind == "resume":
            after = content.get("after") if isinstance(content.get("after"), int) else 0
            messages = await database_sync_to_async(self._since)(after)
            await self.send_json({"type": "history", "messages": messages})
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "code": "unknown_type", "detail": "Unknown message type."})

    def _since(self, after: int) -> list[dict]:
        return [selectors.shopper_message_payload(m) for m in selectors.transcript(self.conversation_id, after=after)]

    def _handle(self, text, client_id):
        if not ip_allow(self.ip):
            raise services.ChatRefused("rate_limited", "Too many messages from your network; please wait a minute.")
        turn = services.shopper_message_handle(identity=self.identity, conversation_id=self.conversation_id,
                                               text=text, client_id=client_id, conversation=self.conversation)
        self.conversation = turn.conversation
        return turn

    async def _message(self, content: dict) -> None:
        client_id = str(content.get("client_id") or "")[:64]
        if not self.rate.allow():
            await self._refuse("rate_limited", "You're sending messages too quickly; please wait a moment.", client_id)
            return
        await self.send_json({"type": "typing", "sender": "bot"})
        try:
            # Off the shared database thread: turns of different sockets overlap their queries.
            turn = await DatabaseSyncToAsync(self._handle, thread_sensitive=False)(content.get("text"), client_id)
        except services.ChatRefused as refused:
            await self._refuse(refused.code, str(refused), client_id)
            return
        if turn.conversation.pk != self.conversation_id:
            await self._join(turn.conversation.pk)
            await self.send_json({"type": "conversation", "conversation": turn.conversation.pk, "status": "bot"})
        if turn.duplicate:  # a resend: answer this socket only, nothing new to tell others
            for message in [turn.shopper_message, *turn.replies]:
                await self.send_json({"type": "message", "message": selectors.shopper_message_payload(message)})
            return
        with_agents = turn.conversation.status != Conversation.Status.BOT
        payloads = [_message_event(message)["payload"] for message in [turn.shopper_message, *turn.replies]]
        # This socket first, straight away; the shopper's other tabs (and the agents) through the
        # channel layer, whose copy this socket skips (`origin`).
        for payload in payloads:
            await self.chat_event({"payload": payload})
        await broadcast(self.channel_layer, conversation_id=turn.conversation.pk,
                        event=batch_event(payloads, origin=self.channel_name), inbox=with_agents)
        if turn.handed_off:
            await self._announce_handoff(turn.conversation.pk)

    async def _announce_handoff(self, conversation_id: int) -> None:
        summary = await database_sync_to_async(self._summary)(conversation_id)
        await self.channel_layer.group_send(conversation_group(conversation_id), _event("status", status="waiting"))
        await self.channel_layer.group_send(INBOX_GROUP, _event("conversation", conversation=summary))

    @staticmethod
    def _summary(conversation_id: int) -> dict:
        conversation = Conversation.objects.select_related("merchant", "agent", "customer").get(pk=conversation_id)
        return selectors.conversation_summary(conversation)

    async def _handoff(self) -> None:
        try:
            self.conversation = await database_sync_to_async(services.handoff_request)(
                identity=self.identity, conversation_id=self.conversation_id)
        except services.ChatRefused as refused:
            await self._refuse(refused.code, str(refused))
            return
        await self._announce_handoff(self.conversation_id)

    async def _rate(self, content: dict) -> None:
        try:
            await database_sync_to_async(services.conversation_rate)(
                identity=self.identity, conversation_id=self.conversation_id, rating=content.get("rating"))
        except services.ChatRefused as refused:
            await self._refuse(refused.code, str(refused))
            return
        await self.send_json({"type": "rated", "rating": content.get("rating")})

    async def _refuse(self, code: str, detail: str, client_id: str = "") -> None:
        await self.send_json({"type": "error", "code": code, "detail": detail, "client_id": client_id})

    async def chat_batch(self, event):
        if event.get("origin") == self.channel_name:
            return  # this socket's own turn, already sent by _message
        for payload in event["payloads"]:
            await self.chat_event({"payload": payload})

    async def chat_event(self, event):
        payload = dict(event["payload"])
        if payload.get("type") == "message":
            message = dict(payload["message"])
            message.pop("intent", None)
            payload["message"] = message
        elif payload.get("type") == "typing" and payload.get("sender") == "shopper":
            return
        await self.send_json(payload)


class AgentInboxConsumer(AsyncJsonWebsocketConsumer):
    """Support agents' live inbox: waiting and held conversations of every merchant."""

    actions = ("open", "claim", "reply", "typing", "transfer", "close")

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not services.is_agent(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        await self.channel_layer.group_add(INBOX_GROUP, self.channel_name)
        await self.accept()
        conversations = await database_sync_to_async(self._inbox)()
        await self.send_json({"type": "inbox", "conversations": conversations})

    @staticmethod
    def _inbox() -> list[dict]:
        return [selectors.conversation_summary(c) for c in selectors.inbox_conversations()]

    async def disconnect(self, code):
        await self.channel_layer.group_discard(INBOX_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        conversation_id = content.get("conversation") if isinstance(content, dict) else None
        if kind not in self.actions or not isinstance(conversation_id, int):
            await self.send_json({"type": "error", "code": "bad_request",
                                  "detail": "Send {type, conversation} with a known type."})
            return
        if kind == "typing":
            await self.channel_layer.group_send(conversation_group(conversation_id),
                                                _event("typing", conversation=conversation_id, sender="agent"))
            return
        try:
            await getattr(self, f"_{kind}")(conversation_id, content)
        except services.ChatRefused as refused:
            await self.send_json({"type": "error", "code": refused.code, "detail": str(refused),
                                  "conversation": conversation_id})

    async def _open(self, conversation_id: int, content: dict) -> None:
        detail = await database_sync_to_async(self._detail)(conversation_id)
        await self.send_json({"type": "detail", **detail})

    @staticmethod
    def _detail(conversation_id: int) -> dict:
        conversation = Conversation.objects.select_related("merchant", "agent", "customer").filter(pk=conversation_id).first()
        if conversation is None:
            raise services.ChatRefused("not_found", "No such conversation.")
        return selectors.conversation_detail(conversation)

    async def _changed(self, conversation_id: int, status: str) -> None:
        summary = await database_sync_to_async(AgentInboxConsumer._summary)(conversation_id)
        await self.channel_layer.group_send(INBOX_GROUP, _event("conversation", conversation=summary))
        await self.channel_layer.group_send(conversation_group(conversation_id),
                                            _event("status", status=status, agent=summary["agent"]))

    @staticmethod
    def _summary(conversation_id: int) -> dict:
        return ShopperChatConsumer._summary(conversation_id)

    async def _claim(self, conversation_id: int, content: dict) -> None:
        await database_sync_to_async(services.conversation_claim)(conversation_id=conversation_id, agent=self.user)
        await self.send_json({"type": "claimed", "conversation": conversation_id})
        await self._changed(conversation_id, "agent")

    async def _reply(self, conversation_id: int, content: dict) -> None:
        message = await database_sync_to_async(services.agent_reply)(
            conversation_id=conversation_id, agent=self.user, text=content.get("text"))
        await broadcast(self.channel_layer, conversation_id=conversation_id, event=_message_event(message), inbox=True)

    async def _transfer(self, conversation_id: int, content: dict) -> None:
        conversation = await database_sync_to_async(services.conversation_transfer)(
            conversation_id=conversation_id, agent=self.user, to_username=str(content.get("to") or ""))
        await self._changed(conversation_id, conversation.status)

    async def _close(self, conversation_id: int, content: dict) -> None:
        await database_sync_to_async(services.conversation_close)(
            conversation_id=conversation_id, agent=self.user, resolution=content.get("resolution"))
        await self._changed(conversation_id, "closed")

    async def chat_batch(self, event):
        for payload in event["payloads"]:
            await self.send_json(payload)

    async def chat_event(self, event):
        await self.send_json(event["payload"])
