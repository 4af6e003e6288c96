"""Small display helpers for the portal templates."""

from __future__ import annotations

from django import template

register = template.Library()

MAX_RATING = 5


@register.filter
def stars(rating: int | float | None) -> str:
    """A 1-5 rating as filled and empty stars (rounded), e.g. 4 -> "★★★★☆"."""
    if rating is None:
        return ""
    filled = max(0, min(MAX_RATING, round(rating)))
    return "★" * filled + "☆" * (MAX_RATING - filled)


@register.filter
def as_text(value) -> str:
    """A product attribute value for display: lists read as "red, blue", anything else as text."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)
