"""Response headers Django's SecurityMiddleware does not set (docs/security.md)."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """Switch off browser features no ShopSignal page uses, so injected script cannot use them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


def _swagger_ui_view():
    """Swagger UI under the Content-Security-Policy: its start-up script is served as a file
    (the split view) and its bundle comes from SPECTACULAR_SETTINGS' SWAGGER_UI_DIST (a CDN by default)."""
    from csp.decorators import csp_update
    from drf_spectacular.settings import spectacular_settings
    from drf_spectacular.views import SpectacularSwaggerSplitView

    dist = spectacular_settings.SWAGGER_UI_DIST
    origin = "/".join(dist.split("/")[:3]) if dist.startswith("http") else None
    view = SpectacularSwaggerSplitView.as_view(url_name="schema")
    if origin is None:
        return view
    return csp_update({"script-src": [origin], "style-src": [origin], "img-src": [origin]})(view)


swagger_ui_view = _swagger_ui_view()
