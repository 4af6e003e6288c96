"""Per-merchant allowed origins of the chat widget: the storefront's own origin is accepted, any other
origin (another merchant's storefront included) is refused on the websocket and the HTTP fallback,
shopper token or not; the origins are edited over the API and in the portal."""
from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from rest_framework.test import APIClient

from apps.chat.consumers import ShopperChatConsumer
from apps.chat.identity import shopper_token_issue
from apps.chat.models import Message, WidgetSettings
from apps.chat.origins import InvalidOrigin, SiteOriginValidator, origin_allowed, origin_normalise
from apps.chat.widget_settings import widget_origins, widget_origins_set
from apps.core.models import AuditLog

SHOP_A = "https://shop-a.example"
SHOP_B = "https://shop-b.example"


@pytest.mark.parametrize(
    ("raw", "origin"),
    [("https://Shop.Example.com", "https://shop.example.com"), ("https://shop.example.com:443/", "https://shop.example.com"),
     ("http://localhost:8080", "http://localhost:8080"), (" http://shop.example.com:80 ", "http://shop.example.com")],
)
def test_origins_are_normalised(raw, origin):
    assert origin_normalise(raw) == origin


@pytest.mark.parametrize("raw", ["shop.example.com", "ftp://shop.example.com", "https://shop.example.com/page",
                                 "https://shop.example.com?x=1", "https://user@shop.example.com", "https://"])
def test_what_is_not_an_origin_is_refused(raw):
    with pytest.raises(InvalidOrigin):
        origin_normalise(raw)


def test_the_rule_allows_the_listed_origin_the_own_site_and_non_browsers():
    assert origin_allowed(SHOP_A, [SHOP_A])
    assert origin_allowed("https://SHOP-A.example:443", [SHOP_A])
    assert not origin_allowed(SHOP_B, [SHOP_A])
    assert not origin_allowed("null", [SHOP_A])
    assert not origin_allowed(SHOP_B, [])  # nothing listed: own site only, as the site-wide check was
    assert origin_allowed("http://testserver", [SHOP_A])  # ShopSignal's own pages (ALLOWED_HOSTS)
    assert origin_allowed(None, [SHOP_A])  # no Origin: not a page


@pytest.fixture
def origins(storefront, merchant_b, staff_a):
    widget_origins_set(actor=staff_a, merchant=storefront.merchant, origins=[SHOP_A])
    widget_origins_set(actor=staff_a, merchant=merchant_b, origins=[SHOP_B])
    return storefront


# --- websocket -------------------------------------------------------------------------------------


async def _connect(merchant, origin: str | None, query: str = ""):
    headers = [(b"origin", origin.encode())] if origin else []
    communicator = WebsocketCommunicator(ShopperChatConsumer.as_asgi(), f"/ws/chat/?merchant={merchant.slug}{query}",
                                         headers=headers)
    communicator.scope["user"] = AnonymousUser()
    communicator.scope["client"] = ("10.0.0.9", 5000)
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.django_db(transaction=True)
async def test_websocket_accepts_the_storefronts_origin_and_refuses_others(origins):
    merchant = origins.merchant
    token = shopper_token_issue(merchant_id=merchant.pk, customer_id=origins.shopper.pk)
    comm, connected, _ = await _connect(merchant, SHOP_A, f"&token={token}")
    assert connected
    assert (await comm.receive_json_from())["type"] == "hello"
    await comm.disconnect()
    for origin in ("https://evil.example", SHOP_B):  # a stranger, and the other merchant's storefront
        comm, connected, code = await _connect(merchant, origin, f"&token={token}")
        assert (connected, code) == (False, 4403), origin
        comm, connected, code = await _connect(merchant, origin)  # anonymous too
        assert (connected, code) == (False, 4403), origin


@pytest.mark.django_db  # the refusal (channels' WebsocketDenier) closes old database connections
async def test_site_validator_leaves_the_widget_socket_to_its_consumer_and_guards_the_rest():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])
        await send({"type": "websocket.accept"})

    for path, expected in (("/ws/chat/", True), ("/ws/chat/inbox/", False), ("/ws/notifications/", False)):
        communicator = WebsocketCommunicator(SiteOriginValidator(app), path, headers=[(b"origin", SHOP_A.encode())])
        connected, _ = await communicator.connect()
        assert connected is expected, path
        await communicator.disconnect()
    assert reached == ["/ws/chat/"]


# --- HTTP fallback ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_http_fallback_accepts_the_storefronts_origin_with_cors_headers(origins, intent_model):
    client = APIClient()
    token = shopper_token_issue(merchant_id=origins.merchant.pk, customer_id=origins.shopper.pk)
    body = {"merchant": origins.merchant.slug, "text": "hello", "token": token}
    response = client.post(reverse("chat-messages"), body, format="json", HTTP_ORIGIN=SHOP_A)
    assert response.status_code == 201, response.content
    assert response["Access-Control-Allow-Origin"] == SHOP_A
    assert "Origin" in response["Vary"]
    preflight = client.options(reverse("chat-messages") + f"?merchant={origins.merchant.slug}", HTTP_ORIGIN=SHOP_A)
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == SHOP_A
    assert "POST" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.django_db
@pytest.mark.parametrize("origin", ["https://evil.example", SHOP_B], ids=["stranger", "other-merchants-storefront"])
def test_http_fallback_refuses_other_origins(origins, origin):
    client = APIClient()
    token = shopper_token_issue(merchant_id=origins.merchant.pk, customer_id=origins.shopper.pk)
    url = reverse("chat-messages")
    body = {"merchant": origins.merchant.slug, "text": "where is ORD-5001?", "token": token}
    refused = client.post(url, body, format="json", HTTP_ORIGIN=origin)
    assert refused.status_code == 403
    assert origin in refused.json()["detail"]
    assert not refused.has_header("Access-Control-Allow-Origin")
    assert client.get(url, {"merchant": origins.merchant.slug, "token": token}, HTTP_REFERER=f"{origin}/cart").status_code == 403
    assert client.options(url + f"?merchant={origins.merchant.slug}", HTTP_ORIGIN=origin).status_code == 403
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_own_site_and_unlisted_merchants_keep_working(storefront, merchant_b, intent_model):
    client = APIClient()
    url = reverse("chat-messages")
    own = client.post(url, {"merchant": storefront.merchant.slug, "text": "hi"}, format="json", HTTP_ORIGIN="http://testserver")
    assert own.status_code == 201 and not own.has_header("Access-Control-Allow-Origin")
    # A merchant that lists nothing: its widget runs on ShopSignal's own site only.
    assert client.post(url, {"merchant": storefront.merchant.slug, "text": "hi"}, format="json",
                       HTTP_ORIGIN=SHOP_A).status_code == 403


# --- settings: API, portal, audit ------------------------------------------------------------------


@pytest.mark.django_db
def test_api_reads_and_replaces_the_origins(storefront, api_a, api_b):
    url = reverse("chat-widget-settings", kwargs={"slug": storefront.merchant.slug})
    assert api_a.get(url).json()["allowed_origins"] == []
    response = api_a.put(url, {"allowed_origins": ["https://Shop-A.example/", SHOP_A, "http://localhost:8080"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["allowed_origins"] == [SHOP_A, "http://localhost:8080"]
    assert widget_origins(storefront.merchant.pk) == [SHOP_A, "http://localhost:8080"]
    again = api_a.put(url, {"allowed_origins": [SHOP_A, "http://localhost:8080"]}, format="json")
    assert again.status_code == 200
    assert AuditLog.objects.filter(object_type="chat.WidgetSettings").count() == 1  # unchanged: not re-audited
    bad = api_a.put(url, {"allowed_origins": ["https://shop-a.example/path"]}, format="json")
    assert bad.status_code == 400 and "allowed_origins" in bad.json()["errors"]
    assert api_a.put(url, {}, format="json").status_code == 400
    assert api_b.put(url, {"allowed_origins": [SHOP_B]}, format="json").status_code == 404
    assert widget_origins(storefront.merchant.pk) == [SHOP_A, "http://localhost:8080"]


@pytest.mark.django_db
def test_support_agents_read_but_do_not_change_the_origins(storefront, agent, api_client_for):
    url = reverse("chat-widget-settings", kwargs={"slug": storefront.merchant.slug})
    client = api_client_for(agent)
    assert client.get(url).status_code == 200
    assert client.put(url, {"allowed_origins": [SHOP_B]}, format="json").status_code == 403


@pytest.mark.django_db
def test_portal_edits_the_origins(client, storefront, staff_a, staff_b):
    client.force_login(staff_a)
    url = reverse("chat:widget-edit", kwargs={"slug": storefront.merchant.slug})
    response = client.post(url, {"allowed_origins": f"{SHOP_A}\n\nhttps://www.shop-a.example/"})
    assert response.status_code == 302
    assert WidgetSettings.objects.get(merchant=storefront.merchant).allowed_origins == [SHOP_A, "https://www.shop-a.example"]
    listing = client.get(reverse("chat:widget-list")).content.decode()
    assert SHOP_A in listing
    invalid = client.post(url, {"allowed_origins": "not an origin"})
    assert invalid.status_code == 200 and "is not an origin" in invalid.content.decode()
    client.force_login(staff_b)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [{"allowed_origins": "https://shop-a.example"}, {"allowed_origins": [1]}, {"allowed_origins": ["http://["]},
     {"allowed_origins": ["http://a\x00b"]}, {"allowed_origins": ["null"]},
     {"allowed_origins": [f"https://s{n}.example" for n in range(21)]}],
    ids=["not-a-list", "not-strings", "bad-ipv6", "nul-byte", "null", "too-many"],
)
def test_malformed_origins_are_a_400_naming_the_field(storefront, api_a, body):
    response = api_a.put(reverse("chat-widget-settings", kwargs={"slug": storefront.merchant.slug}), body, format="json")
    assert response.status_code == 400
    assert "allowed_origins" in response.json()["errors"]


@pytest.mark.django_db
def test_a_malformed_origin_header_is_refused_not_an_error(origins):
    response = APIClient().post(reverse("chat-messages"), {"merchant": origins.merchant.slug, "text": "hi"}, format="json",
                                HTTP_ORIGIN="http://[")
    assert response.status_code == 403
