"""Portal pages for the catalog: the product list (and its CSV export) and a product's page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.catalog.selectors import category_list, product_get, product_list
from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.dashboard.summaries import product_activity

CATALOG_ROLES = {"platform_admin", "merchant_staff"}

PRODUCT_COLUMNS = [
    Column("external_id", lambda p: p.external_id),
    Column("title", lambda p: p.title),
    Column("merchant", lambda p: p.merchant.slug),
    Column("category", lambda p: p.category.path if p.category else ""),
    Column("price", lambda p: p.price),
    Column("currency", lambda p: p.currency),
    Column("stock", lambda p: p.stock),
    Column("active", lambda p: p.active),
    Column("customisable", lambda p: p.customisable),
    Column("tags", lambda p: "|".join(tag.name for tag in p.tags.all())),
    Column("created_at", lambda p: p.created_at.isoformat()),
]


@require_GET
@staff_page(roles=CATALOG_ROLES)
def product_list_page(request):
    return list_page(
        request,
        rows=product_list(user=request.user, filters=request.GET),
        template="catalog/product_list.html",
        export_name="products",
        columns=PRODUCT_COLUMNS,
        context={"categories": category_list()},
    )


@require_GET
@staff_page(roles=CATALOG_ROLES)
def product_detail_page(request, external_id: str):
    product = product_get(user=request.user, external_id=external_id)
    return render(
        request,
        "catalog/product_detail.html",
        {"product": product, "activity": product_activity(user=request.user, product=product)},
    )
