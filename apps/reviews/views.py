"""Portal pages for product reviews: the list (with CSV export), one review with its analysis, and review
insights per product and merchant."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.catalog.selectors import product_get
from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page, works_across_merchants
from apps.merchants.selectors import merchant_list
from apps.reviews.charts import insight_charts
from apps.reviews.insights import merchant_insights, product_insights
from apps.reviews.models import Review, ReviewAnalysis
from apps.reviews.selectors import NO_TOPIC, review_get, review_list, review_topic_labels

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
    Column("sentiment", lambda r: _analysis(r).sentiment if _analysis(r) else ""),
    Column("topic", lambda r: _analysis(r).topic if _analysis(r) else ""),
]


def _analysis(review: Review) -> ReviewAnalysis | None:
    """The review's analysis, None until it is analysed (the reverse one-to-one raises when missing)."""
    try:
        return review.analysis
    except ReviewAnalysis.DoesNotExist:
        return None


@require_GET
@staff_page(roles=REVIEW_ROLES)
def review_list_page(request):
    return list_page(
        request,
        rows=review_list(user=request.user, filters=request.GET),
        template="reviews/review_list.html",
        export_name="reviews",
        columns=REVIEW_COLUMNS,
        context={"ratings": range(5, 0, -1), "topics": review_topic_labels(user=request.user), "no_topic": NO_TOPIC},
    )


@require_GET
@staff_page(roles=REVIEW_ROLES)
def review_detail_page(request, pk: int):
    review = review_get(user=request.user, pk=pk)
    return render(request, "reviews/review_detail.html", {"review": review, "analysis": _analysis(review)})


@require_GET
@staff_page(roles=REVIEW_ROLES)
def product_insights_page(request, external_id: str):
    product = product_get(user=request.user, external_id=external_id)
    insights = product_insights(user=request.user, external_id=product.external_id)
    return render(
        request,
        "reviews/insights.html",
        {"product": product, "insights": insights, "charts": insight_charts(insights)},
    )


@require_GET
@staff_page(roles=REVIEW_ROLES)
def merchant_insights_page(request):
    user = request.user
    choices = merchant_list(user=user) if works_across_merchants(user) else None
    slug = request.GET.get("merchant") or ""
    merchant_ids = None
    if slug:
        merchant_ids = list(merchant_list(user=user).filter(slug=slug).values_list("pk", flat=True))
    insights = merchant_insights(user=user, merchant_ids=merchant_ids)
    return render(
        request,
        "reviews/insights.html",
        {"insights": insights, "charts": insight_charts(insights), "merchant_choices": choices},
    )
