"""`{% customer_segments customer %}`: the customer's segments card, for pages of other apps."""
from __future__ import annotations

from django import template

from apps.segments.selectors import customer_memberships

register = template.Library()


@register.inclusion_tag("segments/_customer_segments.html", takes_context=True)
def customer_segments(context, customer) -> dict:
    """The customer's place in each current segmentation the viewer may read (their merchants')."""
    return {"memberships": customer_memberships(user=context["request"].user, customer=customer)}
