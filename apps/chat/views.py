"""Portal pages of the chat (agent inbox, overview) and the public demo storefront."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import ensure_csrf_cookie

from apps.catalog.models import Product
from apps.chat.charts import overview_charts
from apps.chat.faq_access import editable_entries, editable_merchants, readable_entries
from apps.chat.forms import FaqEntryForm, WidgetOriginsForm
from apps.chat.models import CannedResponse
from apps.chat.overview import chat_overview, recent_conversations
from apps.chat.selectors import conversation_list
from apps.chat.widget_settings import widget_origins, widget_origins_set
from apps.core.tenancy import scope_for_user
from apps.dashboard.access import staff_page
from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_get

INBOX_ROLES = ("support_agent", "platform_admin")
OVERVIEW_ROLES = ("support_agent", "platform_admin", "merchant_staff")


@staff_page(roles=INBOX_ROLES)
def inbox(request):
    canned = list(CannedResponse.objects.values("title", "text"))
    return render(request, "chat/inbox.html", {"canned": canned})


@staff_page(roles=OVERVIEW_ROLES)
def overview(request):
    """Merchant staff see their merchants' conversations (read only); agents and admins all of them."""
    conversations = conversation_list(user=request.user)
    merchants = scope_for_user(Merchant.objects.order_by("name"), request.user)
    chosen = request.GET.get("merchant", "")
    if chosen:
        conversations = conversations.filter(merchant__slug=chosen)
    figures = chat_overview(conversations)
    return render(request, "chat/overview.html", {
        "overview": figures,
        "charts": overview_charts(figures),
        "recent": recent_conversations(conversations),
        "merchant_choices": merchants,
    })


@staff_page(roles=OVERVIEW_ROLES)
def faq_list(request):
    """The FAQ the bot answers from: the user's merchants' entries and the platform defaults."""
    entries = readable_entries(request.user)
    chosen = request.GET.get("merchant", "")
    if chosen:
        entries = entries.filter(merchant__slug=chosen)
    editable = set(editable_entries(request.user).values_list("pk", flat=True))
    return render(request, "chat/faq_list.html", {
        "entries": [(entry, entry.pk in editable) for entry in entries.order_by("merchant__name", "topic", "question")],
        "merchant_choices": scope_for_user(Merchant.objects.order_by("name"), request.user),
        "may_add": editable_merchants(request.user).exists() or request.user.is_superuser,
    })


def _faq_form(request, entry=None):
    form = FaqEntryForm(request.POST or None, instance=entry, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "FAQ entry saved; the chat answers with it within seconds.")
        return redirect("chat:faq-list")
    return render(request, "chat/faq_edit.html", {"form": form, "entry": entry})


@staff_page(roles=("platform_admin", "merchant_staff"))
def faq_new(request):
    return _faq_form(request)


@staff_page(roles=("platform_admin", "merchant_staff"))
def faq_edit(request, pk: int):
    """Another merchant's entry (or, for merchant staff, a platform default) is not found."""
    return _faq_form(request, get_object_or_404(editable_entries(request.user), pk=pk))


@staff_page(roles=("platform_admin", "merchant_staff"))
def widget_list(request):
    """Each of the user's merchants with the storefront origins its chat widget accepts."""
    merchants = scope_for_user(Merchant.objects.order_by("name"), request.user).select_related("chat_widget")
    rows = [(merchant, getattr(merchant, "chat_widget", None)) for merchant in merchants]
    return render(request, "chat/widget_list.html", {"rows": rows})


@staff_page(roles=("platform_admin", "merchant_staff"))
def widget_edit(request, slug: str):
    """Another merchant's settings are not found (merchant_get scopes by the user's merchants)."""
    merchant = merchant_get(user=request.user, slug=slug)
    form = WidgetOriginsForm(request.POST or None, initial={"allowed_origins": "\n".join(widget_origins(merchant.pk))})
    if request.method == "POST" and form.is_valid():
        widget_origins_set(actor=request.user, merchant=merchant, origins=form.cleaned_data["allowed_origins"],
                           source="portal")
        messages.success(request, f"Chat widget origins of {merchant.name} saved; they apply to new connections at once.")
        return redirect("chat:widget-list")
    return render(request, "chat/widget_edit.html", {"form": form, "merchant": merchant})


@ensure_csrf_cookie
def storefront(request, slug: str):
    """A public demo shop page carrying the chat widget: what a merchant's storefront embeds."""
    merchant = get_object_or_404(Merchant, slug=slug)
    products = Product.objects.filter(merchant=merchant, active=True).order_by("-stock", "title")[:6]
    # A signed-in shopper is shown the shops they ordered from: the chat answers about a shop's own orders.
    ordered_at = []
    if request.user.is_authenticated:
        ordered_at = list(Merchant.objects.filter(orders__customer__user=request.user).distinct().order_by("name")[:5])
    return render(request, "chat/storefront.html", {"merchant": merchant, "products": products, "ordered_at": ordered_at})
