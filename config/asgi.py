"""ASGI entry point: Django for HTTP, Channels for websockets.

get_asgi_application() must run before anything imports models, so routing is imported after it.
Websocket connections get a request id per connection and frame, and count in the open-sockets
gauge (apps.core.observability*); HTTP requests get theirs from Django middleware. The process
warms up (apps.core.warmup) once the application is built, before it serves.
"""
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup(set_prefix=False)  # what django.core.asgi.get_asgi_application does, with our handler

from apps.core.asgi_handler import SyncStackASGIHandler  # noqa: E402

django_asgi_app = SyncStackASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.chat.origins import SiteOriginValidator  # noqa: E402
from apps.core.observability import WebsocketRequestIdMiddleware  # noqa: E402
from apps.core.observability_metrics import WebsocketMetricsMiddleware  # noqa: E402
from apps.core.warmup import WEB, warm_up  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": WebsocketRequestIdMiddleware(
            WebsocketMetricsMiddleware(SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))))
        ),
    }
)

# Each web process pays its one-off loads (URL tables, chart classes, geoip data) before serving,
# not inside its first requests (apps.core.warmup).
warm_up(WEB)
