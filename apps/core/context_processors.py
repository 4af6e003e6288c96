"""Navigation and user menu for the portal's base layout.

The menu is data: a capability adds its page by appending a `NavItem` (e.g. "Fraud queue") to its
group's drop-down (merchandising, fraud and risk, models, support): 24 pages side by side did not
fit a top bar, and which page belongs to which job was left to the reader.
Who sees an entry is not repeated here: it is read from the `staff_page` roles of the view the
entry points to, so the menu and the page's own access check cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, resolve, reverse

from apps.core.tenancy import sees_all_merchants
from apps.dashboard.access import may_open, role_of
from apps.merchants.selectors import merchant_list


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    group: str = ""
    """Entries of a group share one drop-down in the top bar; an entry without a group stands alone."""


MERCHANDISING, FRAUD, MODELS, SUPPORT = "Merchandising", "Fraud & risk", "Models", "Support"

NAV_ITEMS: list[NavItem] = [
    NavItem("Dashboard", "dashboard:home"),
    NavItem("Analytics", "analytics:trends", MERCHANDISING),
    NavItem("Catalog", "catalog:product-list", MERCHANDISING),
    NavItem("Price outliers", "pricing:outliers", MERCHANDISING),
    NavItem("Search", "search:insights", MERCHANDISING),
    NavItem("Orders", "orders:order-list", MERCHANDISING),
    NavItem("Customers", "customers:customer-list", MERCHANDISING),
    NavItem("Segments", "segments:home", MERCHANDISING),
    NavItem("Reviews", "reviews:review-list", MERCHANDISING),
    NavItem("Review insights", "reviews:merchant-insights", MERCHANDISING),
    NavItem("Fraud queue", "fraud:queue", FRAUD),
    NavItem("Risk", "risk:list", FRAUD),
    NavItem("Scalping", "abuse:scalping-list", FRAUD),
    NavItem("Collusion rings", "abuse:ring-list", FRAUD),
    NavItem("Bot sessions", "bots:list", FRAUD),
    NavItem("Risk settings", "fraud:risk-settings", FRAUD),
    NavItem("Webhooks", "fraud:webhooks", FRAUD),
    NavItem("Recommendations", "recommendations:home", MERCHANDISING),
    NavItem("Experiments", "experiments:list", MERCHANDISING),
    NavItem("Models", "mlops:model-list", MODELS),
    NavItem("Monitoring", "mlops:monitoring", MODELS),
    NavItem("Chat inbox", "chat:inbox", SUPPORT),
    NavItem("Chat overview", "chat:overview", SUPPORT),
    NavItem("Your alerts", "alerts:page"),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in NAV_ITEMS:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # a capability that is not installed in this deployment
            continue
        if may_open(user, resolve(url).func):
            items.append({"label": item.label, "url": url, "active": _is_active(request.path, url), "group": item.group})
    return {
        "nav_items": items,
        "nav_groups": _grouped(items),
        "sees_all_merchants": sees_all_merchants(user),
        "user_role_label": _role_label(user),
        # A lazy queryset: queried only where the user menu lists a member's merchants.
        "user_merchants": merchant_list(user=user),
    }


def _grouped(items: list[dict]) -> list[dict]:
    """The top bar's entries: groups in order of their first entry; a group the user sees one entry of
    is that entry alone (a drop-down holding one link is a click for nothing)."""
    groups: dict[str, dict] = {}
    for item in items:
        key = item["group"] or item["label"]
        group = groups.setdefault(key, {"label": key, "items": [], "active": False})
        group["items"].append(item)
        group["active"] |= item["active"]
    return list(groups.values())


def _role_label(user) -> str:
    role = role_of(user)
    return dict(user.Role.choices).get(role, role)


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
