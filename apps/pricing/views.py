"""Portal page: listings priced outside their suggested range (and its CSV export)."""
from __future__ import annotations

from django.views.decorators.http import require_GET

from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.mlops.selectors import production_version
from apps.pricing.models import PriceSuggestion
from apps.pricing.selectors import outlier_list, outlier_summary
from apps.pricing.services import MODEL_NAME, model_error

PRICING_ROLES = {"platform_admin", "merchant_staff"}

OUTLIER_COLUMNS = [
    Column("external_id", lambda s: s.product.external_id),
    Column("title", lambda s: s.product.title),
    Column("merchant", lambda s: s.product.merchant.slug),
    Column("category", lambda s: s.product.category.path if s.product.category else ""),
    Column("price", lambda s: s.product.price),
    Column("currency", lambda s: s.product.currency),
    Column("low", lambda s: s.low),
    Column("mid", lambda s: s.mid),
    Column("high", lambda s: s.high),
    Column("position", lambda s: s.position),
    Column("gap", lambda s: round(s.gap, 4)),
    Column("source", lambda s: s.source),
    Column("computed_at", lambda s: s.computed_at.isoformat()),
]


@require_GET
@staff_page(roles=PRICING_ROLES)
def outliers_page(request):
    version = production_version(name=MODEL_NAME)
    return list_page(
        request,
        rows=outlier_list(user=request.user, filters=request.GET),
        template="pricing/outliers.html",
        export_name="price-outliers",
        columns=OUTLIER_COLUMNS,
        context={
            "model_version": version,
            "model_error": model_error(version),
            "sources": PriceSuggestion.Source.choices,
            "summary": outlier_summary(user=request.user),
        },
    )
