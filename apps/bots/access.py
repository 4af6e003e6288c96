"""Who works with bot sessions: the fraud team (every merchant) and merchant staff (their own).

Support agents help shoppers and have no use for traffic forensics; customers see no merchant data.
"""
from __future__ import annotations

from rest_framework.permissions import BasePermission

from apps.dashboard.access import role_of

BOT_ROLES = frozenset({"platform_admin", "fraud_analyst", "merchant_staff"})


class IsBotAnalyst(BasePermission):
    message = "Bot sessions are for the fraud team and merchant staff."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and role_of(user) in BOT_ROLES)
