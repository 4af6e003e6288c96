"""`{% customer_risk customer %}`: the customer's risk card, for the customer page."""
from __future__ import annotations

from django import template

from apps.risk.selectors import customer_risk as customer_risk_rows

register = template.Library()


@register.inclusion_tag("risk/_customer_risk.html", takes_context=True)
def customer_risk(context, customer) -> dict:
    """The customer's score in each shop the viewer may read, with the evidence behind it."""
    return {"scores": customer_risk_rows(user=context["request"].user, customer=customer)}
