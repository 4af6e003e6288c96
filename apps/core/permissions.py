"""API permissions by role. Row-level access is the tenancy scope's job, not these classes'."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.core.tenancy import sees_all_merchants

WRITER_ROLES = {"platform_admin", "merchant_staff"}


class IsMerchantDataReader(BasePermission):
    """Staff who work with merchant data: platform staff and merchant members. Customers are refused."""

    message = "This endpoint is for platform staff and merchant members."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if sees_all_merchants(user):
            return True
        return user.role == "merchant_staff"


class IsMerchantDataWriter(IsMerchantDataReader):
    """Reads as above; writes only by platform admins and merchant staff (not analysts or agents)."""

    message = "Your role may read this data but not change it."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return request.user.is_superuser or request.user.role in WRITER_ROLES
