"""The shopper's alerts page: their alert types on and off, suggestions, and the recent changes."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.alerts.access import shopper_page
from apps.alerts.forms import PreferenceForm
from apps.alerts.models import Source
from apps.alerts.recommendations import recommendations_for
from apps.alerts.selectors import preference_log, preferences_of
from apps.alerts.services import UNCHANGED, PreferenceError, preference_set
from ml.alerts.types import ALERT_TYPES


@require_http_methods(["GET", "POST"])
@shopper_page
def alerts_page(request, customer):
    form = PreferenceForm()
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            limit = data["monthly_limit"] if data["monthly_limit"] is not None else UNCHANGED
            try:
                preference = preference_set(
                    customer=customer,
                    alert_type=data["alert_type"],
                    enabled=data["enabled"],
                    monthly_limit=limit,
                    actor=request.user,
                    source=data["source"] or Source.PAGE,
                )
            except PreferenceError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
            else:
                state = "on" if preference.enabled else "off"
                messages.success(request, f"'{preference.get_alert_type_display()}' alerts are {state}.")
                return redirect("alerts:page")
    preferences = preferences_of(customer=customer)
    [suggested] = recommendations_for(customers=[customer])
    rows = [
        {"type": alert, "preference": preferences.get(alert.key), "needs_limit": alert.key == "near_credit_limit"}
        for alert in ALERT_TYPES
    ]
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "alerts/alerts_page.html",
        {"customer": customer, "rows": rows, "suggested": suggested, "log": preference_log(customer=customer), "form": form},
        status=status,
    )
