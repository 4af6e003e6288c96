"""`{% fair_price_card product %}`: the product page's suggested range, from one tag so the catalog's
view and template need no knowledge of pricing."""
from __future__ import annotations

from django import template

from apps.pricing.services import fair_price_for

register = template.Library()


@register.inclusion_tag("pricing/_fair_price_card.html")
def fair_price_card(product) -> dict:
    fair = fair_price_for(product=product)
    place = fair.place
    return {
        "fair": fair,
        "product": product,
        # The bar spans 10%..90% of the track for the range; the marker may sit just outside it.
        "marker_left": None if place is None else round(10 + 80 * place, 1),
    }
