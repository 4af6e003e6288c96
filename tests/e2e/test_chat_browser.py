"""A shopper and a support agent in real browsers: the shopper chats with the bot on the demo
storefront, asks for a human, and sees the agent's reply arrive live over websockets.

pytest-django's live server speaks WSGI only, so this test runs the project's ASGI application
(HTTP + Channels) under uvicorn in a thread, on the test database.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from decimal import Decimal

import pytest

from tests import factories
from tests.conftest import require_service
from tests.e2e.test_portal_browser import CHROMIUM, CHROMIUM_ARGS, _collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def asgi_server():
    """uvicorn serving config.asgi (plus static files) on a free port, in this process."""
    import uvicorn
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from config.asgi import application

    app = ProtocolTypeRouter({"http": ASGIStaticFilesHandler(get_asgi_application()), "websocket": application})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(monkeypatch):
    require_service(os.path.exists(CHROMIUM), "chromium")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def test_shopper_escalates_and_sees_the_agents_reply(merchant_a, agent, asgi_server, browser):
    factories.ProductFactory(merchant=merchant_a, title="Personalised Name Mug", price=Decimal("14.99"), stock=5)
    dialogs: list[str] = []

    shopper = browser.new_context().new_page()
    shopper.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors = _collect_errors(shopper)
    shopper.goto(f"{asgi_server}/shop/{merchant_a.slug}/")
    shopper.click("button.ssc__toggle")
    shopper.fill("input.ssc__input", "hello")
    shopper.press("input.ssc__input", "Enter")
    shopper.wait_for_selector(".ssc__msg--bot", timeout=15000)
    assert shopper.locator(".ssc__chip").count() > 0  # quick replies

    shopper.fill("input.ssc__input", XSS)
    shopper.press("input.ssc__input", "Enter")
    shopper.wait_for_selector(".ssc__msg--bot >> nth=1", timeout=15000)
    shopper.click("button.ssc__human")
    shopper.wait_for_selector("text=Connecting you to a member of our team", timeout=15000)

    desk = browser.new_context().new_page()
    desk.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    desk.goto(f"{asgi_server}/accounts/login/?next=/chat/inbox/")
    desk.fill("input[name=username]", "agent1")
    desk.fill("input[name=password]", "pass12345")
    desk.click("button[type=submit]")
    desk.wait_for_url("**/chat/inbox/")
    desk.click(".chat-inbox__open", timeout=15000)
    desk.wait_for_selector("#detail-transcript .ssc__msg--shopper", timeout=15000)
    assert XSS in desk.locator("#detail-transcript").inner_text()  # shown as text, not run
    desk.click("#btn-claim")
    desk.wait_for_selector("#btn-reply:not([disabled])", timeout=15000)
    shopper.wait_for_selector("text=joined the chat", timeout=15000)
    desk.fill("#reply-text", "Hi, I'm Alex from support - how can I help?")
    desk.click("#btn-reply")

    shopper.wait_for_selector(".ssc__msg--agent", timeout=15000)
    assert "Alex from support" in shopper.locator(".ssc__msg--agent").inner_text()
    assert dialogs == []
    assert errors == []
