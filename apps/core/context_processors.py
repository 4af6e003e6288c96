"""Navigation for the portal's base layout, by role."""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from apps.core.tenancy import sees_all_merchants

# (label, url name, roles that see it; None = every signed-in staff role)
NAV_ITEMS: list[tuple[str, str, frozenset[str] | None]] = [
    ("Dashboard", "dashboard:home", None),
    ("Catalog", "catalog:product-list", frozenset({"platform_admin", "merchant_staff"})),
    ("Orders", "orders:order-list", frozenset({"platform_admin", "merchant_staff", "fraud_analyst", "support_agent"})),
    ("Customers", "customers:customer-list", frozenset({"platform_admin", "merchant_staff", "support_agent"})),
    ("Reviews", "reviews:review-list", frozenset({"platform_admin", "merchant_staff"})),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    role = "platform_admin" if user.is_superuser else user.role
    items = []
    for label, url_name, roles in NAV_ITEMS:
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # an app that is not installed in this deployment
            continue
        items.append({"label": label, "url": url, "active": _is_active(request.path, url)})
    return {"nav_items": items, "sees_all_merchants": sees_all_merchants(user)}


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
