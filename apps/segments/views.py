"""The Segments pages: a scope's current segmentation, and one segment's customers (with CSV)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.core.exports import Column
from apps.core.security_pii import pii_columns
from apps.core.tenancy import sees_all_merchants
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.merchants.selectors import merchant_list
from apps.segments.charts import TRAIN_COMMAND, segments_charts
from apps.segments.selectors import (
    current_run,
    latest_attempt,
    predicted_values,
    rfm_distribution,
    segment_customers,
    segment_list,
    segment_trend,
)

PLATFORM_SCOPE = "platform"

CUSTOMER_COLUMNS = [
    Column("customer", lambda m: m.customer.external_id),
    Column("email", lambda m: m.customer.email),
    Column("segment", lambda m: m.segment.name if m.segment else ""),
    Column("rfm_group", lambda m: m.rfm_group),
    Column("r", lambda m: m.r_score),
    Column("f", lambda m: m.f_score),
    Column("m", lambda m: m.m_score),
    Column("orders", lambda m: m.frequency),
    Column("spent", lambda m: f"{m.monetary:.2f}"),
    Column("days_since_last_order", lambda m: None if m.recency_days is None else round(m.recency_days)),
    Column("p_alive", lambda m: None if m.p_alive is None else round(m.p_alive, 4)),
    Column("predicted_orders_365d", lambda m: None if m.predicted_orders_365d is None else round(m.predicted_orders_365d, 3)),
    Column("predicted_value_365d", lambda m: None if m.predicted_value_365d is None else round(m.predicted_value_365d, 2)),
    Column("expected_next_order", lambda m: m.expected_next_order),
    Column("hdbscan_noise", lambda m: "" if m.density_cluster is None else m.density_cluster == -1),
]


@require_GET
@staff_page()
def home(request):
    """Merchant staff see their merchant's segmentation; platform staff pick a merchant or platform-wide."""
    user = request.user
    choices = list(merchant_list(user=user).order_by("name"))
    wanted = request.GET.get("merchant") or ""
    if sees_all_merchants(user) and wanted in ("", PLATFORM_SCOPE):
        merchant, wanted = None, PLATFORM_SCOPE
    else:
        merchant = next((m for m in choices if m.slug == wanted), choices[0] if choices and not wanted else None)
        if merchant is None:
            raise Http404("No such merchant among yours.")
    run = current_run(merchant_id=merchant.pk if merchant else None)
    attempt = latest_attempt(merchant_id=merchant.pk if merchant else None)
    context = {
        "merchant": merchant,
        "merchant_choices": choices if len(choices) > 1 or sees_all_merchants(user) else [],
        "selected": merchant.slug if merchant else PLATFORM_SCOPE,
        "platform_option": sees_all_merchants(user),
        "run": run,
        "failed_attempt": attempt if attempt and attempt.status == attempt.Status.FAILED else None,
        "train_command": TRAIN_COMMAND,
    }
    if run is not None:
        segments = list(run.segments.all())
        for segment in segments:
            segment.trend = segment_trend(segment=segment)
        context |= {
            "segments": segments,
            "charts": segments_charts(
                run=run, segments=segments, rfm=rfm_distribution(run=run), values=predicted_values(run=run)
            ),
        }
    return render(request, "segments/home.html", context)


@require_GET
@staff_page()
def segment_detail(request, pk: int):
    """A segment's persona and figures, and its customers by money spent (CSV: every one of them)."""
    segment = get_object_or_404(segment_list(user=request.user), pk=pk)
    return list_page(
        request,
        rows=segment_customers(segment=segment),
        template="segments/segment_detail.html",
        export_name=f"segment-{segment.pk}",
        columns=pii_columns(CUSTOMER_COLUMNS, request.user, {"email": "email"}),
        context={"segment": segment, "run": segment.run, "trend": segment_trend(segment=segment)},
    )
