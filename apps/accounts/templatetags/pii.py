"""`{% load pii %}{% pii customer.email "email" %}`: a shopper's data as the signed-in user may see it."""
from django import template

from apps.core.security_pii import mask_for

register = template.Library()


@register.simple_tag(takes_context=True)
def pii(context, value, kind: str):
    """`kind` is email, ip or card; autoescaped like any variable."""
    request = context.get("request")
    return mask_for(getattr(request, "user", None), kind, value)
