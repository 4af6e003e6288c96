"""Refuse request input no ShopSignal field can hold, before any view parses it.

A NUL character is valid in no text field (PostgreSQL's text types cannot even store it), yet a
query parameter carrying one (`?q=%00`) reached the database and failed there as a 500. DRF's
serializers already refuse NUL in bodies; this covers the query string and the path.
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class RefuseNulInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = next(
            (key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)), None
        )
        if field is not None or "\x00" in request.path:
            return JsonResponse(
                {
                    "detail": "Request contains a NUL character.",
                    "code": "invalid",
                    "errors": {field or "path": ["NUL characters are not allowed."]},
                },
                status=400,
            )
        return self.get_response(request)
