"""Who may open which portal page.

Each portal view declares the roles it serves with `@staff_page(roles=...)`; the navigation
reads the same declaration (`may_open`) so a menu entry is shown exactly when its page opens.
Rows inside a page are narrowed separately by the tenancy scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from apps.accounts.models import User

STAFF_ROLES = frozenset({"platform_admin", "fraud_analyst", "support_agent", "merchant_staff"})


def role_of(user: User) -> str:
    """A superuser administers the platform whatever role column they carry."""
    return "platform_admin" if user.is_superuser else user.role


def may_open(user: User, view: Callable) -> bool:
    """Whether `user` passes the role check of a `staff_page` view (other views: never, for the menu)."""
    roles = getattr(view, "portal_roles", None)
    return bool(roles and user.is_authenticated and role_of(user) in roles)


def staff_page(*, roles: Iterable[str] = STAFF_ROLES) -> Callable:
    """Sign-in required (anonymous visitors go to the login page); other roles get 403."""
    allowed = frozenset(roles)
    unknown = allowed - STAFF_ROLES
    if unknown:
        raise ValueError(f"Not portal roles: {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role_of(request.user) not in allowed:
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        guarded = login_required(wrapper)
        guarded.portal_roles = allowed
        return guarded

    return decorator
