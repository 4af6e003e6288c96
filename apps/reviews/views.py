"""Portal page for product reviews: the list with a rating filter, and its CSV export."""

from django.views.decorators.http import require_GET

from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.reviews.selectors import review_list

REVIEW_ROLES = {"platform_admin", "merchant_staff"}

REVIEW_COLUMNS = [
    Column("external_id", lambda r: r.external_id),
    Column("merchant", lambda r: r.merchant.slug),
    Column("product_id", lambda r: r.product.external_id),
    Column("product_title", lambda r: r.product.title),
    Column("customer_id", lambda r: r.customer.external_id if r.customer else ""),
    Column("rating", lambda r: r.rating),
    Column("title", lambda r: r.title),
    Column("text", lambda r: r.text),
    Column("created_at", lambda r: r.created_at.isoformat()),
]


@require_GET
@staff_page(roles=REVIEW_ROLES)
def review_list_page(request):
    return list_page(
        request,
        rows=review_list(user=request.user, filters=request.GET),
        template="reviews/review_list.html",
        export_name="reviews",
        columns=REVIEW_COLUMNS,
        context={"ratings": range(5, 0, -1)},
    )
