"""Django's ASGI handler, running the middleware stack and the view in one thread hop.

Django's own handler builds an async middleware chain. Ours is sync (Django's built-in
middleware and ours are written for it), so every request crossed threads again and again: the
sync part of the stack is run in a worker thread, bounces back to the event loop for the
async-capable django-axes middleware and the async `_get_response_async`, which hands the view
to a thread once more. Measured on the fraud scoring endpoint (bench/fraud_latency.py), the
hops cost more worker CPU than the payment's features. Here the whole stack (middleware, URL
resolution, view, exception handling) runs synchronously in the request's thread, exactly as
under WSGI; reading the body, streaming the answer and websockets stay async.
"""
from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase


class SyncStackASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
