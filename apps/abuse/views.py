"""The abuse pages: scalping flags, collusion rings and one ring's graph; re-running detection."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.abuse.charts import ring_charts
from apps.abuse.selectors import ring_detail, ring_list, scalping_flag_list
from apps.abuse.tasks import detect_task
from apps.core.exports import Column
from apps.dashboard.access import staff_page
from apps.dashboard.listing import list_page
from apps.merchants.selectors import merchant_list

ABUSE_ROLES = {"platform_admin", "fraud_analyst", "merchant_staff"}
DETECT_ROLES = {"platform_admin", "fraud_analyst"}

SCALPING_COLUMNS = [
    Column("merchant", lambda f: f.merchant.slug),
    Column("product_id", lambda f: f.product.external_id),
    Column("product_title", lambda f: f.product.title),
    Column("accounts", lambda f: f.accounts),
    Column("units", lambda f: f.units),
    Column("window_start", lambda f: f.window_start.isoformat()),
    Column("window_end", lambda f: f.window_end.isoformat()),
    Column("score", lambda f: round(f.score, 4)),
    Column("source", lambda f: f.source),
    Column("reasons", lambda f: " | ".join(f.reasons)),
    Column("detected_at", lambda f: f.detected_at.isoformat()),
]
RING_COLUMNS = [
    Column("id", lambda r: r.pk),
    Column("merchant", lambda r: r.merchant.slug),
    Column("buyers", lambda r: r.buyers),
    Column("score", lambda r: round(r.score, 4)),
    Column("active", lambda r: r.active),
    Column("reasons", lambda r: " | ".join(r.reasons)),
    Column("first_seen_at", lambda r: r.first_seen_at.isoformat()),
    Column("last_seen_at", lambda r: r.last_seen_at.isoformat()),
]


def _scope_context(request) -> dict:
    """Whose shops the page covers (named for merchant staff) and whether detection can be re-run here."""
    return {
        "scope_merchants": merchant_list(user=request.user),
        "may_detect": request.user.is_superuser or request.user.role in DETECT_ROLES,
    }


@require_GET
@staff_page(roles=ABUSE_ROLES)
def scalping_list(request):
    return list_page(
        request,
        rows=scalping_flag_list(user=request.user, filters=request.GET).prefetch_related("customers"),
        template="abuse/scalping_list.html",
        export_name="scalping-flags",
        columns=SCALPING_COLUMNS,
        context=_scope_context(request),
    )


@require_GET
@staff_page(roles=ABUSE_ROLES)
def ring_list_page(request):
    return list_page(
        request,
        rows=ring_list(user=request.user, filters=request.GET),
        template="abuse/ring_list.html",
        export_name="rings",
        columns=RING_COLUMNS,
        context=_scope_context(request),
    )


@require_GET
@staff_page(roles=ABUSE_ROLES)
def ring_detail_page(request, pk: int):
    ring = get_object_or_404(ring_detail(user=request.user), pk=pk)
    buyers = [member for member in ring.members.all() if member.customer_id]
    identities = [member for member in ring.members.all() if not member.customer_id]
    context = {"ring": ring, "buyers": buyers, "identities": identities, "charts": ring_charts(ring)}
    return render(request, "abuse/ring_detail.html", context)


@require_POST
@staff_page(roles=DETECT_ROLES)
def detect(request):
    """Re-run both detectors (on the worker; inline when Celery is eager) and go back to the page."""
    result = detect_task.apply_async()
    if result.successful():
        found = result.result
        messages.success(
            request,
            f"Detection done: {found['scalping']['flagged']} scalping flags, {found['rings']['rings']} rings "
            f"({found['rings']['new']} new).",
        )
    else:
        messages.info(request, "Detection queued on the worker; refresh in a minute.")
    return redirect("abuse:scalping-list" if request.POST.get("back") == "scalping" else "abuse:ring-list")
