"""A database that is away answers 503 with Retry-After, never a traceback or a bare 500.

Django hands every uncaught exception (in a view, a DRF view, or a middleware reading the
session) to the 500 handler while the exception is still being handled, so one handler sees
them all: a lost or refused database connection becomes "503, try again in a few seconds" (JSON
under /api/, a short page elsewhere); anything else stays a 500. The broken connection is
dropped at the end of the request (Django closes connections that saw errors and are no longer
usable) and CONN_HEALTH_CHECKS tests persistent ones before reuse, so the process recovers by
itself once the database is back.
"""
from __future__ import annotations

import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable</title></head>
<body><h1>Temporarily unavailable</h1>
<p>ShopSignal cannot reach its database right now. Nothing you submitted was lost; please try again in a few seconds.</p>
</body></html>
"""


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": "The database is temporarily unavailable; retry shortly.", "code": "service_unavailable", "errors": {}},
            status=503,
        )
    else:
        response = HttpResponse(_PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 for an unreachable database, the API's JSON error shape or Django's page otherwise."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if wants_json(request):
        return JsonResponse({"detail": "Internal server error.", "code": "server_error", "errors": {}}, status=500)
    return django_server_error(request)
