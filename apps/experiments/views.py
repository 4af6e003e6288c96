"""Portal pages: the experiments list, one experiment's results (with start/stop), create and edit."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.exports import Column
from apps.core.permissions import WRITER_ROLES
from apps.core.tenancy import sees_all_merchants
from apps.dashboard.access import role_of, staff_page
from apps.dashboard.listing import list_page
from apps.experiments import forms
from apps.experiments.charts import results_charts
from apps.experiments.models import Experiment
from apps.experiments.selectors import experiment_get, experiment_list, experiment_results
from apps.experiments.services import experiment_create, experiment_start, experiment_stop, experiment_update
from apps.merchants.selectors import merchant_list

SOURCE = "portal"
COLUMNS = [
    Column("key", lambda e: e.key),
    Column("name", lambda e: e.name),
    Column("surface", lambda e: e.surface),
    Column("merchant", lambda e: e.merchant.name if e.merchant else "platform-wide"),
    Column("status", lambda e: e.status),
    Column("started_at", lambda e: e.started_at.isoformat() if e.started_at else ""),
    Column("stopped_at", lambda e: e.stopped_at.isoformat() if e.stopped_at else ""),
    Column("primary_metric", lambda e: e.primary_metric),
]


def may_manage(user) -> bool:
    return role_of(user) in WRITER_ROLES


@require_http_methods(["GET"])
@staff_page()
def experiment_list_page(request):
    rows = experiment_list(user=request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in Experiment.Status.values:
        rows = rows.filter(status=status)
    merchant = request.GET.get("merchant", "")
    if merchant:
        rows = rows.filter(merchant__slug=merchant)
    return list_page(request, rows=rows, template="experiments/list.html", export_name="experiments", columns=COLUMNS,
                     context={"statuses": Experiment.Status.choices, "may_manage": may_manage(request.user)})


@require_http_methods(["GET", "POST"])
@staff_page()
def experiment_detail_page(request, key: str):
    experiment = experiment_get(user=request.user, key=key)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not may_manage(request.user):
            messages.error(request, "Only merchant staff and platform admins start or stop experiments.")
        elif action in ("start", "stop"):
            change = experiment_start if action == "start" else experiment_stop
            try:
                change(actor=request.user, experiment=experiment, source=SOURCE)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Experiment {experiment.key} {'started' if action == 'start' else 'stopped'}.")
        return redirect("experiments:detail", key=experiment.key)
    results = experiment_results(experiment=experiment)
    return render(request, "experiments/detail.html", {
        "experiment": experiment, "results": results, "charts": results_charts(results),
        "may_manage": may_manage(request.user),
    })


def _add_errors(form, formset, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        if field == "variants":
            formset._non_form_errors = formset.error_class(problems)
        else:
            form.add_error(field if field in form.fields else None, problems)


@require_http_methods(["GET", "POST"])
@staff_page(roles=WRITER_ROLES)
def experiment_create_page(request):
    bound = request.method == "POST"
    form = forms.ExperimentForm(request.POST if bound else None, merchants=merchant_list(user=request.user),
                                platform_wide=sees_all_merchants(request.user))
    formset = forms.variant_formset(request.POST if bound else None)
    if bound and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        data.pop("merchant")
        try:
            experiment = experiment_create(actor=request.user, merchant_id=form.merchant_id(),
                                           variants=forms.variant_specs(formset), source=SOURCE, **data)
        except ValidationError as error:
            _add_errors(form, formset, error)
        else:
            messages.success(request, f"Experiment {experiment.key} created as a draft.")
            return redirect("experiments:detail", key=experiment.key)
    return render(request, "experiments/form.html", {"form": form, "formset": formset, "experiment": None})


@require_http_methods(["GET", "POST"])
@staff_page(roles=WRITER_ROLES)
def experiment_edit_page(request, key: str):
    experiment = experiment_get(user=request.user, key=key)
    draft = experiment.status == Experiment.Status.DRAFT
    initial = {field: getattr(experiment, field) for field in (
        "key", "name", "description", "surface", "holdout_share", "primary_metric", "baseline_rate",
        "minimum_detectable_effect")}
    initial["merchant"] = str(experiment.merchant_id) if experiment.merchant_id else forms.PLATFORM_WIDE
    bound = request.method == "POST"
    merchants = merchant_list(user=request.user)
    form = forms.ExperimentForm(request.POST if bound else None, initial=initial, merchants=merchants,
                                platform_wide=experiment.merchant_id is None, editing=experiment)
    formset = forms.variant_formset(request.POST if bound and draft else None, experiment=experiment)
    if bound and form.is_valid() and (not draft or formset.is_valid()):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if not form.fields[name].disabled}
        try:
            experiment_update(actor=request.user, experiment=experiment, source=SOURCE,
                              variants=forms.variant_specs(formset) if draft else None, **changes)
        except ValidationError as error:
            _add_errors(form, formset, error)
        else:
            messages.success(request, f"Experiment {experiment.key} saved.")
            return redirect("experiments:detail", key=experiment.key)
    return render(request, "experiments/form.html", {"form": form, "formset": formset, "experiment": experiment})
