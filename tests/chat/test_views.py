"""Portal pages and the public storefront: who may open them, what they show, and that
shopper text is escaped wherever it appears."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.chat.models import Conversation, Message
from apps.chat.overview import chat_overview
from tests import factories

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_storefront_is_public_and_carries_the_widget(client, storefront, merchant_b):
    factories.ProductFactory(merchant=merchant_b, title="Bravo Only Tee")
    response = client.get(reverse("storefront:shop", kwargs={"slug": storefront.merchant.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-merchant="{storefront.merchant.slug}"' in html and "js/chat-widget.js" in html
    assert "Personalised Name Mug" in html and "Bravo Only Tee" not in html
    assert "csrftoken" in response.cookies
    assert client.get(reverse("storefront:shop", kwargs={"slug": "no-such-shop"})).status_code == 404


def test_inbox_is_for_agents_and_admins(client, agent, staff_a, customer_user):
    url = reverse("chat:inbox")
    client.force_login(agent)
    assert client.get(url).status_code == 200
    for user in (staff_a, customer_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


def _conversation(merchant, *, handed_off: bool, csat=None, text="hello"):
    now = timezone.now()
    conversation = Conversation.objects.create(
        merchant=merchant, status="closed" if handed_off else "bot", csat=csat,
        handoff_at=now - timedelta(minutes=5) if handed_off else None,
        first_agent_reply_at=now - timedelta(minutes=4) if handed_off else None)
    Message.objects.create(conversation=conversation, sender="shopper", text=text, intent="unknown", understood=False)
    Message.objects.create(conversation=conversation, sender="shopper", text="where is my order", intent="order_status",
                           understood=True)
    return conversation


def test_overview_figures(merchant_a):
    _conversation(merchant_a, handed_off=True, csat=4, text="Blorp")
    _conversation(merchant_a, handed_off=False, text="blorp")
    _conversation(merchant_a, handed_off=False)
    figures = chat_overview(Conversation.objects.all())
    assert figures.conversations == 3
    assert figures.containment_rate == pytest.approx(2 / 3) and figures.handoff_rate == pytest.approx(1 / 3)
    assert figures.median_first_response_seconds == pytest.approx(60, abs=1)
    assert figures.csat_average == 4 and figures.csat_count == 1
    assert figures.top_intents == [("order_status", 3)]
    assert figures.unanswered[0] == ("blorp", 2)


def test_merchant_staff_read_only_their_merchants_chats(client, staff_a, merchant_a, merchant_b):
    _conversation(merchant_a, handed_off=False, text="alpha question")
    _conversation(merchant_b, handed_off=False, text="bravo question")
    client.force_login(staff_a)
    html = client.get(reverse("chat:overview")).content.decode()
    assert "alpha question" in html and "bravo question" not in html


def test_shopper_text_is_escaped_on_portal_pages(client, agent, merchant_a):
    _conversation(merchant_a, handed_off=False, text=XSS)
    client.force_login(agent)
    html = client.get(reverse("chat:overview")).content.decode()
    assert XSS.lower() not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_signed_in_shopper_is_pointed_to_the_shops_they_ordered_from(client, storefront, customer_user, merchant_b):
    client.force_login(customer_user)
    html = client.get(reverse("storefront:shop", kwargs={"slug": merchant_b.slug})).content.decode()
    assert f'href="/shop/{storefront.merchant.slug}/"' in html


def test_merchant_staff_edit_their_faq_and_only_read_the_platform_defaults(client, staff_a, merchant_a, merchant_b):
    from apps.chat.models import FaqEntry

    client.force_login(staff_a)
    response = client.post(reverse("chat:faq-new"), {"merchant": merchant_a.pk, "topic": "faq", "active": "on",
                                                     "question": "Do you gift wrap?", "answer": "Yes, 3.00.", "phrasings": ""})
    assert response.status_code == 302
    entry = FaqEntry.objects.get(question="Do you gift wrap?")
    assert entry.merchant == merchant_a
    refused = client.post(reverse("chat:faq-new"), {"merchant": merchant_b.pk, "topic": "faq", "question": "Q?",
                                                    "answer": "A", "phrasings": ""})
    assert refused.status_code == 200 and "merchant" in refused.context["form"].errors
    platform = FaqEntry.objects.filter(merchant=None).first()
    assert client.get(reverse("chat:faq-edit", kwargs={"pk": platform.pk})).status_code == 404
    listing = client.get(reverse("chat:faq-list")).content.decode()
    assert "Do you gift wrap?" in listing and platform.question in listing
    assert f'href="{reverse("chat:faq-edit", kwargs={"pk": platform.pk})}"' not in listing


def test_platform_admin_edits_a_platform_default(client, platform_admin):
    from apps.chat.models import FaqEntry

    platform = FaqEntry.objects.filter(merchant=None).first()
    client.force_login(platform_admin)
    response = client.post(reverse("chat:faq-edit", kwargs={"pk": platform.pk}), {
        "merchant": "", "topic": platform.topic, "question": platform.question, "phrasings": platform.phrasings,
        "answer": "Updated answer.", "active": "on"})
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.answer == "Updated answer." and platform.merchant is None
