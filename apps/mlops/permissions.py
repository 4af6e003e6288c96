"""Who works with the model registry: platform admins and fraud analysts; only admins promote.

Models are trained on every merchant's data and serve every merchant, so they belong to the
platform: merchant staff, support agents and customers are refused (403), in the portal and
the API alike. The portal's `staff_page(roles=...)` and the API permissions read these sets.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from apps.dashboard.access import role_of

if TYPE_CHECKING:
    from apps.accounts.models import User

MODEL_STAFF_ROLES = frozenset({"platform_admin", "fraud_analyst"})
"""May see models and training runs, and start training."""
PROMOTER_ROLES = frozenset({"platform_admin"})
"""May promote a version or roll production back."""


def may_promote(user: User) -> bool:
    return bool(user.is_authenticated and role_of(user) in PROMOTER_ROLES)


class IsModelStaff(BasePermission):
    message = "Models are for platform admins and fraud analysts."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and role_of(request.user) in MODEL_STAFF_ROLES)


class IsModelPromoter(BasePermission):
    message = "Only platform admins promote or roll back models."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and may_promote(request.user))
