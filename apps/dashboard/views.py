"""The portal's home page: KPIs and charts for the signed-in user's merchants."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.dashboard.access import staff_page
from apps.dashboard.charts import dashboard_charts
from apps.dashboard.listing import works_across_merchants
from apps.dashboard.selectors import dashboard_overview
from apps.merchants.selectors import merchant_list

PERIOD_DAYS = 30


@require_GET
@staff_page()
def home(request):
    user = request.user
    choices = merchant_list(user=user) if works_across_merchants(user) else None
    merchant = request.GET.get("merchant") or None
    overview = dashboard_overview(user=user, now=timezone.now(), days=PERIOD_DAYS, merchant=merchant)
    return render(
        request,
        "dashboard/home.html",
        {
            "overview": overview,
            "charts": dashboard_charts(overview),
            "period_days": PERIOD_DAYS,
            "merchant_choices": choices,
            "merchant": merchant,
        },
    )
