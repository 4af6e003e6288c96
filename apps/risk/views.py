"""The Risk page (customers and, for platform staff, sellers, riskiest first, with CSV) and a
seller's risk page."""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.exports import Column
from apps.core.tenancy import sees_all_merchants
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.merchants.selectors import merchant_get, merchant_list
from apps.risk.charts import band_chart
from apps.risk.selectors import band_counts, risk_score_list, seller_risk

RISK_ROLES = {"platform_admin", "fraud_analyst", "merchant_staff"}
SELLER_ROLES = {"platform_admin", "fraud_analyst"}

RISK_COLUMNS = [
    Column("subject", lambda r: r.subject),
    Column("merchant", lambda r: r.merchant.slug),
    Column("customer", lambda r: r.customer.external_id if r.customer_id else ""),
    Column("score", lambda r: round(r.score, 4)),
    Column("band", lambda r: r.band),
    Column("sources", lambda r: " ".join(c["source"] for c in r.components)),
    Column("reasons", lambda r: " | ".join(reason for c in r.components for reason in c["reasons"])),
    Column("computed_at", lambda r: r.computed_at.isoformat()),
]


@require_GET
@staff_page(roles=RISK_ROLES)
def risk_list(request):
    rows = risk_score_list(user=request.user, filters=request.GET)
    return list_page(
        request,
        rows=rows,
        template="risk/list.html",
        export_name="risk-scores",
        columns=RISK_COLUMNS,
        context={
            "charts": [band_chart(band_counts(risk_score_list(user=request.user)))],
            "sees_sellers": sees_all_merchants(request.user),
            "shops": merchant_list(user=request.user),
        },
    )


@require_GET
@staff_page(roles=SELLER_ROLES)
def seller_detail(request, slug: str):
    """A shop's risk as a seller (platform staff only: the evidence is against the shop)."""
    merchant = merchant_get(user=request.user, slug=slug)
    return render(request, "risk/seller.html", {"merchant": merchant, "score": seller_risk(user=request.user, merchant=merchant)})
