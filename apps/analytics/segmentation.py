"""The one door to the segments capability, which may not be installed in a deployment.

Rollups store the segment a customer had when they were built; without the segments app (or
before its first run) every customer is in no segment (""), and the pages say so. A merchant's
own segmentation wins; otherwise the marketplace-wide one (scope None) is used.
"""
from __future__ import annotations

from django.apps import apps

NO_SEGMENT = ""


def _membership(merchant_id: int | None) -> dict[int, str]:
    from apps.segments.selectors import segment_membership as membership

    return membership(merchant_id=merchant_id)


def segment_memberships(merchant_ids: list[int]) -> dict[int, dict[int, str]]:
    """merchant id -> (customer pk -> segment name of the current segmentation), {} per merchant without one."""
    if not apps.is_installed("apps.segments"):
        return {merchant_id: {} for merchant_id in merchant_ids}
    marketplace: dict[int, str] | None = None
    result = {}
    for merchant_id in merchant_ids:
        own = _membership(merchant_id)
        if not own:
            if marketplace is None:
                marketplace = _membership(None)
            own = marketplace
        result[merchant_id] = own
    return result
