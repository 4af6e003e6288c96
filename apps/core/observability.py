"""Request ids: one id per HTTP request, Celery task and websocket message, on every log record.

The id lives in a context variable, so it follows the request through sync and async code
(asgiref copies the context into `sync_to_async` threads and back), into the Celery tasks the
request queues (a message header, restored before the task runs) and into websocket consumers
(one id per connection, suffixed with the number of the inbound frame being handled).

This module is imported by the logging configuration before Django's app registry is ready:
it must not import models.
"""
from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

HEADER = "X-Request-ID"
CELERY_HEADER = "request_id"
NO_REQUEST = "-"
_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")
"""What a client may send: proxies' ids (UUIDs, hex, `trace-123.4`), never spaces, quotes or newlines
that could forge log lines or break header parsing; at most 128 characters."""


@dataclass
class RequestContext:
    """The current id; mutable so a websocket connection can move it from frame to frame."""

    id: str


_current: ContextVar[RequestContext | None] = ContextVar("shopsignal_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def valid_request_id(value: str | None) -> str | None:
    """The client's id if it is safe to log and echo, else None (a fresh one is made)."""
    if value and _VALID.match(value):
        return value
    return None


def current_request_id() -> str | None:
    context = _current.get()
    return context.id if context is not None else None


def bind_request_id(request_id: str):
    """Make `request_id` current; returns the token for `unbind_request_id`."""
    return _current.set(RequestContext(request_id))


def unbind_request_id(token) -> None:
    _current.reset(token)


class RequestIdLogFilter(logging.Filter):
    """Puts `request_id` on every record (`-` outside a request), for the formatters to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or NO_REQUEST
        return True


# --- HTTP -------------------------------------------------------------------------------------


class RequestIdMiddleware:
    """Takes a valid X-Request-ID from the client or makes one, binds it, and echoes it in the response.

    Sync and async capable, so under ASGI it adds no thread hop of its own.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    @staticmethod
    def _bind(request):
        request_id = valid_request_id(request.headers.get(HEADER)) or new_request_id()
        request.request_id = request_id
        return request_id, bind_request_id(request_id)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        request_id, token = self._bind(request)
        try:
            response = self.get_response(request)
        finally:
            unbind_request_id(token)
        response[HEADER] = request_id
        return response

    async def __acall__(self, request):
        request_id, token = self._bind(request)
        try:
            response = await self.get_response(request)
        finally:
            unbind_request_id(token)
        response[HEADER] = request_id
        return response


# --- Celery -----------------------------------------------------------------------------------

_task_tokens: dict[str, object] = {}


def celery_publish_request_id(headers: dict | None = None, **_) -> None:
    """`before_task_publish`: send the publisher's id with the message."""
    request_id = current_request_id()
    if headers is not None and request_id and CELERY_HEADER not in headers:
        headers[CELERY_HEADER] = request_id


def celery_bind_request_id(task_id: str | None = None, task=None, **_) -> None:
    """`task_prerun`: the publisher's id, else (eager or beat) the current one, else the task id."""
    sent = getattr(task.request, CELERY_HEADER, None) if task is not None else None
    if sent is None and task is not None:
        sent = (getattr(task.request, "headers", None) or {}).get(CELERY_HEADER)
    request_id = valid_request_id(sent) or current_request_id() or task_id or new_request_id()
    if task_id:
        _task_tokens[task_id] = bind_request_id(request_id)


def celery_unbind_request_id(task_id: str | None = None, **_) -> None:
    """`task_postrun`: restore what was current before the task (nothing, in a worker)."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            unbind_request_id(token)
        except ValueError:  # bound in another context (a worker thread switched); nothing to restore
            pass


# --- websockets -------------------------------------------------------------------------------


class WebsocketRequestIdMiddleware:
    """ASGI middleware for websocket connections: one id per connection (the handshake's valid
    X-Request-ID or a new one), `<connection id>.<n>` while the n-th inbound frame is handled.

    The consumer reads frames in child tasks, which copy the context: they share the same
    RequestContext object, so moving its id there is seen by the consumer's dispatch loop and by
    the `database_sync_to_async` threads it starts.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "websocket":
            return await self.app(scope, receive, send)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
        connection_id = valid_request_id(headers.get(HEADER.lower())) or new_request_id()
        context = RequestContext(connection_id)
        frames = 0

        async def receive_with_id():
            nonlocal frames
            message = await receive()
            if message.get("type") == "websocket.receive":
                frames += 1
                context.id = f"{connection_id}.{frames}"
            return message

        token = _current.set(context)
        try:
            return await self.app(dict(scope, request_id=connection_id), receive_with_id, send)
        finally:
            _current.reset(token)
