"""The ASGI handler runs Django's middleware and the view synchronously, in one thread hop per request."""
from __future__ import annotations

import threading

import pytest
from asgiref.sync import iscoroutinefunction
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from apps.core.asgi_handler import SyncStackASGIHandler

threads: list[str] = []


@csrf_exempt
def where_am_i(request):
    threads.append(threading.current_thread().name)
    return HttpResponse(request.body or b"ok", content_type="text/plain")


urlpatterns = [path("where/", where_am_i)]


def test_the_middleware_chain_is_sync_where_djangos_is_async(settings):
    settings.ROOT_URLCONF = __name__
    assert not iscoroutinefunction(SyncStackASGIHandler()._middleware_chain)
    assert iscoroutinefunction(ASGIHandler()._middleware_chain)


@pytest.mark.django_db
async def test_a_request_goes_through_middleware_and_view_and_back(settings):
    settings.ROOT_URLCONF = __name__
    threads.clear()
    communicator = HttpCommunicator(SyncStackASGIHandler(), "POST", "/where/", body=b"hello", headers=[(b"host", b"testserver")])
    response = await communicator.get_response()
    assert response["status"] == 200 and response["body"] == b"hello"
    headers = {name.lower() for name, _ in response["headers"]}
    assert b"x-request-id" in headers and b"content-security-policy" in headers  # the middleware ran
    assert threads and threads[0] != threading.main_thread().name
