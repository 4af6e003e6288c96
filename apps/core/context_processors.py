"""Navigation and user menu for the portal's base layout.

The menu is data: a capability adds its page by appending a `NavItem` (e.g. "Fraud queue").
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


NAV_ITEMS: list[NavItem] = [
    NavItem("Dashboard", "dashboard:home"),
    NavItem("Analytics", "analytics:trends"),
    NavItem("Catalog", "catalog:product-list"),
    NavItem("Price outliers", "pricing:outliers"),
    NavItem("Search", "search:insights"),
    NavItem("Orders", "orders:order-list"),
    NavItem("Customers", "customers:customer-list"),
    NavItem("Segments", "segments:home"),
    NavItem("Reviews", "reviews:review-list"),
    NavItem("Review insights", "reviews:merchant-insights"),
    NavItem("Fraud queue", "fraud:queue"),
    NavItem("Risk", "risk:list"),
    NavItem("Scalping", "abuse:scalping-list"),
    NavItem("Collusion rings", "abuse:ring-list"),
    NavItem("Bot sessions", "bots:list"),
    NavItem("Risk settings", "fraud:risk-settings"),
    NavItem("Webhooks", "fraud:webhooks"),
    NavItem("Recommendations", "recommendations:home"),
    NavItem("Experiments", "experiments:list"),
    NavItem("Models", "mlops:model-list"),
    NavItem("Monitoring", "mlops:monitoring"),
    NavItem("Chat inbox", "chat:inbox"),
    NavItem("Chat overview", "chat:overview"),
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
            items.append({"label": item.label, "url": url, "active": _is_active(request.path, url)})
    return {
        "nav_items": items,
        "sees_all_merchants": sees_all_merchants(user),
        "user_role_label": _role_label(user),
        # A lazy queryset: queried only where the user menu lists a member's merchants.
        "user_merchants": merchant_list(user=user),
    }


def _role_label(user) -> str:
    role = role_of(user)
    return dict(user.Role.choices).get(role, role)


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
