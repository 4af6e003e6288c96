"""The guard of shopper-facing pages: a customer login linked to its Customer, and nobody else.

Portal pages are for staff (`staff_page`); these are the reverse: staff get 403 here, because
a shopper's alert settings are theirs to change, and a page only ever shows the signed-in
shopper's own rows (there is no customer id in the URL to tamper with).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from apps.alerts.selectors import shopper_customer


def shopper_page(view: Callable) -> Callable:
    """Calls `view(request, customer, ...)` with the signed-in shopper's Customer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        customer = shopper_customer(user=request.user)
        if customer is None:
            raise PermissionDenied("This page is for shoppers signed in with their own account.")
        return view(request, customer, *args, **kwargs)

    guarded = login_required(wrapper)
    # The menu (apps.core.context_processors) shows an entry to the roles its view declares.
    guarded.portal_roles = frozenset({"customer"})
    return guarded
