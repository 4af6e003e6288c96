"""Portal pages for the catalog: the product list (and its CSV export), a product's page and its tagging."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.catalog.forms import TagDecisionForm
from apps.catalog.models import TagSuggestionDecision
from apps.catalog.selectors import category_list, product_get, product_list
from apps.catalog.tagging import suggestions_for_product, tag_decide
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


@require_http_methods(["GET", "POST"])
@staff_page(roles=CATALOG_ROLES)
def product_tags_page(request, external_id: str):
    """The catalog editor's tagging view: suggestions with their confidence, each accepted or rejected."""
    product = product_get(user=request.user, external_id=external_id)
    if request.method == "POST":
        form = TagDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That decision could not be read; reload the page and try again.")
            return redirect("catalog:product-tags", external_id=product.external_id)
        data = form.cleaned_data
        accepted = data["decision"] == "accept"
        try:
            tag_decide(
                actor=request.user,
                product=product,
                family=data["family"],
                value=data["value"],
                accepted=accepted,
                confidence=data["confidence"],
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            verb = "Applied" if accepted else "Rejected"
            messages.success(request, f"{verb} {data['family']} “{data['value']}”.")
        return redirect("catalog:product-tags", external_id=product.external_id)
    found = suggestions_for_product(product=product)
    decisions = TagSuggestionDecision.objects.filter(product=product).select_related("user")[:20]
    return render(
        request,
        "catalog/product_tags.html",
        {
            "product": product,
            "suggestions": found.suggestions,
            "model_version": found.model_version,
            "decisions": decisions,
        },
    )
