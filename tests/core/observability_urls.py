"""A URL conf for the observability tests: views that log, raise a database error, or fail otherwise."""
import logging

from django.db import OperationalError
from django.http import JsonResponse
from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

logger = logging.getLogger("tests.observability")


def logs(request):
    logger.warning("handling the request")
    return JsonResponse({"ok": True})


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_database_down(request):
    raise OperationalError("server closed the connection unexpectedly")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_bug(request):
    raise ZeroDivisionError("a bug")


def item(request, pk: int):
    return JsonResponse({"pk": pk})


urlpatterns = [
    path("logs", logs, name="obs-logs"),
    path("portal/down", database_down, name="obs-portal-down"),
    path("api/down", api_database_down, name="obs-api-down"),
    path("api/bug", api_bug, name="obs-api-bug"),
    path("items/<int:pk>", item, name="obs-item"),
    path("", include("config.urls")),
]
handler500 = "apps.core.observability_outages.server_error"
