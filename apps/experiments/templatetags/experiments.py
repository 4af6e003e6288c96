"""Formatting of rates and lifts on the experiments pages.

Each filter shows "–" for a missing number (None, or "" when the template looked up an
attribute of a missing comparison, e.g. the control's p-value).
"""
from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | str | None, digits: int = 2) -> str:
    """0.1234 -> "12.34%"; None -> "–" (no data)."""
    if not isinstance(value, int | float):
        return "–"
    return f"{value * 100:.{digits}f}%"


@register.filter
def signed_percent(value: float | str | None, digits: int = 1) -> str:
    """A lift: 0.3 -> "+30.0%"."""
    if not isinstance(value, int | float):
        return "–"
    return f"{value * 100:+.{digits}f}%"


@register.filter
def p_value(value: float | str | None) -> str:
    if not isinstance(value, int | float):
        return "–"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"
