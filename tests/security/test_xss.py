"""Script in text that shoppers, merchants or analysts type (product titles, review text, chat
messages, case notes, FAQ answers) is shown as text, never run: escaped in every page that shows it."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from apps.chat.models import FaqEntry
from apps.fraud.cases import case_note
from tests import factories
from tests.fraud.case_factories import make_case

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"


def _page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _assert_escaped(html: str, where: str) -> None:
    # Neither tag reaches the page as markup (as text, or \u003C-escaped in chart JSON, is fine).
    assert PAYLOAD not in html, where
    assert "<script>alert" not in html and "<img src=x" not in html, where


def test_product_title_is_escaped_on_catalog_and_dashboard(merchant_a, staff_a):
    product = factories.ProductFactory(merchant=merchant_a, title=PAYLOAD, external_id="P-XSS")
    order = factories.OrderFactory(merchant=merchant_a, status="paid")
    factories.OrderItemFactory(order=order, product=product, title=PAYLOAD)
    for url in (
        reverse("catalog:product-list"),
        reverse("catalog:product-detail", kwargs={"external_id": "P-XSS"}),
        reverse("dashboard:home"),
        reverse("orders:order-detail", kwargs={"number": order.number}),
    ):
        html = _page(staff_a, url)
        _assert_escaped(html, url)
    assert escape(PAYLOAD) in _page(staff_a, reverse("catalog:product-list"))


def test_review_text_is_escaped(merchant_a, staff_a):
    review = factories.ReviewFactory(merchant=merchant_a, title=PAYLOAD, text=PAYLOAD)
    for url in (reverse("reviews:review-list"), reverse("reviews:review-detail", kwargs={"pk": review.pk})):
        _assert_escaped(_page(staff_a, url), url)
    assert escape(PAYLOAD) in _page(staff_a, reverse("reviews:review-detail", kwargs={"pk": review.pk}))


def test_case_note_is_escaped(merchant_a, analyst):
    case = make_case(merchant_a)
    case_note(case=case, actor=analyst, text=PAYLOAD, source="portal")
    html = _page(analyst, reverse("fraud:case", kwargs={"pk": case.pk}))
    _assert_escaped(html, "case")
    assert escape(PAYLOAD) in html


def test_faq_text_is_escaped(merchant_a, staff_a):
    FaqEntry.objects.create(merchant=merchant_a, question=PAYLOAD, answer=PAYLOAD)
    _assert_escaped(_page(staff_a, reverse("chat:faq-list")), "faq")


def test_chat_messages_are_drawn_as_text_by_the_widget_and_the_inbox():
    """Chat messages reach the page only through these scripts (websocket/JSON): they must set
    textContent, never parse a message as HTML."""
    for name in ("chat-widget.js", "chat-inbox.js"):
        source = (STATIC_JS / name).read_text()
        assert "textContent" in source, name
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, (name, sink)


def test_chat_message_api_answers_json_not_html(merchant_a):
    client = Client()
    response = client.post(
        reverse("chat-messages"), {"merchant": merchant_a.slug, "text": PAYLOAD}, content_type="application/json"
    )
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
