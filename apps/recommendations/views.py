"""The Recommendations page: each model version's offline figures, and a "try it" for one shopper."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.tenancy import merchant_ids_for_user
from apps.customers.selectors import customer_get
from apps.dashboard.access import staff_page
from apps.dashboard.charts import Chart, EmptyState, figure_json
from apps.recommendations.charts import sources_figure, versions_figure
from apps.recommendations.selectors import recs_versions, try_it_customers
from apps.recommendations.serving import scope_for, user_recommendations

PAGE_ROLES = ("platform_admin", "merchant_staff")
VERSIONS_SHOWN = 20
NOT_TRAINED = EmptyState("No recommendation model trained yet.", "python manage.py train recommendations")


@require_GET
@staff_page(roles=PAGE_ROLES)
def home(request):
    versions = list(recs_versions()[:VERSIONS_SHOWN])
    wanted = request.GET.get("version", "")
    chosen = next((v for v in versions if str(v.version) == wanted), None) or next(
        (v for v in versions if v.stage == "production"), versions[0] if versions else None
    )
    charts = [
        Chart("chart-recs-sources", f"Every source, the blend and the baseline (v{chosen.version})" if chosen else "Sources",
              figure_json(sources_figure(chosen)) if chosen else {}, has_data=chosen is not None, empty=NOT_TRAINED,
              wide=True),
        Chart("chart-recs-versions", "Headline figures by version", figure_json(versions_figure(versions)),
              has_data=bool(versions), empty=NOT_TRAINED, wide=True),
    ]
    customers = try_it_customers(user=request.user)
    picked = request.GET.get("customer", "").strip()
    tried, missing = None, False
    if picked:
        try:
            customer = customer_get(user=request.user, external_id=picked)
        except Http404:
            missing = True
        else:
            tried = user_recommendations(customer=customer, scope=scope_for(merchant_ids_for_user(request.user)),
                                         limit=10, preview=True)
    rows = [
        {
            "version": version,
            "ndcg": version.metrics.get("ndcg@10"),
            "lift": version.metrics.get("ndcg_lift_over_popularity"),
            "precision": version.metrics.get("precision@10"),
            "coverage": version.metrics.get("coverage"),
            "novelty": version.metrics.get("novelty"),
        }
        for version in versions
    ]
    return render(request, "recommendations/home.html", {
        "rows": rows,
        "chosen": chosen,
        "charts": charts,
        "customers": customers,
        "picked": picked,
        "tried": tried,
        "missing": missing,
    })
