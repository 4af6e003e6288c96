"""The Models page: every model's versions, metrics and gate verdicts, training with a live progress bar,
promotion, rollback, and canaries with production and canary compared side by side."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.dashboard.access import staff_page
from apps.dashboard.charts import Chart, EmptyState, figure_json
from apps.mlops.canary import CanaryError, canary_promote, canary_set, canary_stop
from apps.mlops.charts import (
    drift_history_figure,
    feature_psi_figure,
    headline_metrics,
    metric_label,
    metrics_figure,
    score_distribution_figure,
)
from apps.mlops.comparison import CanaryComparison, canary_comparison
from apps.mlops.forms import CanaryForm, form_errors
from apps.mlops.gates import GATES, GateSpec
from apps.mlops.models import Canary, ModelVersion, Stage, TrainingRun
from apps.mlops.monitoring import drift_check
from apps.mlops.permissions import MODEL_STAFF_ROLES, PROMOTER_ROLES, may_promote
from apps.mlops.pipeline import TRAINERS, UnknownModel, training_request
from apps.mlops.selectors import (
    ACTIVE_RUN_STATUSES,
    canary_list,
    drift_report_list,
    model_names,
    model_version_list,
    production_version,
    training_run_list,
)
from apps.mlops.services import NothingToRollBack, TrainingAlreadyRunning, model_promote, model_rollback

VERSIONS_SHOWN = 20
RUNS_SHOWN = 5
REPORTS_CHARTED = 30


@dataclass(frozen=True)
class VersionRow:
    version: ModelVersion
    metrics: list[float | None]
    """The panel's headline metrics of this version, in column order."""


@dataclass(frozen=True)
class ModelPanel:
    name: str
    versions: list[ModelVersion]
    runs: list[TrainingRun]
    chart: Chart
    trainable: bool
    metric_labels: list[str]
    rows: list[VersionRow]
    gate: GateSpec | None
    canary: Canary | None
    comparison: CanaryComparison | None
    comparison_chart: Chart | None
    canary_form: CanaryForm

    @property
    def active_run(self) -> TrainingRun | None:
        return next((run for run in self.runs if run.status in ACTIVE_RUN_STATUSES), None)

    @property
    def production(self) -> ModelVersion | None:
        return next((version for version in self.versions if version.stage == "production"), None)


def _panel(name: str) -> ModelPanel:
    versions = list(model_version_list(name=name).order_by("-version")[:VERSIONS_SHOWN])
    keys = headline_metrics(name, versions)
    chart = Chart(
        f"chart-metrics-{name}",
        "Validation metrics by version",
        figure_json(metrics_figure(versions, keys)),
        has_data=len(versions) > 0,
        empty=EmptyState(
            "No version trained yet. Train one with the button above or from the terminal.", f"python manage.py train {name}"
        ),
        wide=True,
    )
    rows = [VersionRow(version, [version.metrics.get(key) for key in keys]) for version in versions]
    canary = canary_list(name=name).first()
    comparison = canary_comparison(canary=canary) if canary else None
    comparison_chart = None
    if comparison is not None:
        comparison_chart = Chart(
            f"chart-canary-{name}",
            "Scores since the canary started: production and canary",
            figure_json(score_distribution_figure(comparison.arms)),
            has_data=any(arm.score_sample for arm in comparison.arms),
            empty=EmptyState("No scored answers since the canary started yet.", ""),
        )
    return ModelPanel(
        name,
        versions,
        list(training_run_list(name=name)[:RUNS_SHOWN]),
        chart,
        trainable=name in TRAINERS,
        metric_labels=[metric_label(key) for key in keys],
        rows=rows,
        gate=GATES.get(name),
        canary=canary,
        comparison=comparison,
        comparison_chart=comparison_chart,
        canary_form=CanaryForm(
            name=name, initial={"version": canary.version_id, "share": canary.share} if canary else {"share": 10}
        ),
    )


@require_GET
@staff_page(roles=MODEL_STAFF_ROLES)
def model_list(request):
    names = sorted(set(TRAINERS) | set(model_names()))
    return render(
        request, "mlops/model_list.html", {"panels": [_panel(name) for name in names], "may_promote": may_promote(request.user)}
    )


@require_POST
@staff_page(roles=MODEL_STAFF_ROLES)
def model_train(request, name: str):
    try:
        run = training_request(name=name, requested_by=request.user)
    except UnknownModel as exc:
        raise Http404(str(exc)) from exc
    except TrainingAlreadyRunning as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Training run {run.pk} of {name} queued.")
    return redirect("mlops:model-list")


@require_POST
@staff_page(roles=PROMOTER_ROLES)
def version_promote(request, pk: int):
    version = model_promote(version=get_object_or_404(ModelVersion, pk=pk), actor=request.user)
    messages.success(request, f"{version.name} v{version.version} is now in production.")
    return redirect("mlops:model-list")


@require_POST
@staff_page(roles=PROMOTER_ROLES)
def model_roll_back(request, name: str):
    return _registry_action(
        request, lambda: model_rollback(name=name, actor=request.user), NothingToRollBack,
        lambda version: f"Rolled back: {version.name} v{version.version} is in production again.",
    )


def _registry_action(request, action, refused: type[Exception], success) -> HttpResponseRedirect:
    """Run a registry action for the models page: its message (the refusal's own text when refused), then back."""
    try:
        version = action()
    except refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(version))
    return redirect("mlops:model-list")


@require_POST
@staff_page(roles=PROMOTER_ROLES)
def model_canary(request, name: str):
    """Start a canary of a version at a share of traffic, or change the running one."""
    form = CanaryForm(request.POST, name=name)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("mlops:model-list")
    try:
        canary = canary_set(name=name, version=form.cleaned_data["version"], share=form.cleaned_data["share"],
                            actor=request.user)
    except CanaryError as exc:
        messages.error(request, f"{exc.field}: {exc}")
    else:
        messages.success(request, f"Canary: {name} v{canary.version.version} answers {canary.share}% of customers.")
    return redirect("mlops:model-list")


@require_POST
@staff_page(roles=PROMOTER_ROLES)
def model_canary_stop(request, name: str):
    return _registry_action(
        request, lambda: canary_stop(name=name, actor=request.user), CanaryError,
        lambda version: f"Canary of {name} v{version.version} stopped: production answers every request.",
    )


@require_POST
@staff_page(roles=PROMOTER_ROLES)
def model_canary_promote(request, name: str):
    return _registry_action(
        request, lambda: canary_promote(name=name, actor=request.user), CanaryError,
        lambda version: f"{name} v{version.version} promoted from canary to production.",
    )


@dataclass(frozen=True)
class MonitoringPanel:
    version: ModelVersion
    latest: object | None
    charts: list[Chart]


def _monitoring_panel(version: ModelVersion) -> MonitoringPanel:
    reports = list(drift_report_list(name=version.name).filter(model_version=version)[:REPORTS_CHARTED])
    latest = reports[0] if reports else None
    no_report = EmptyState("No drift check yet: the daily task runs at 04:15, or press Check now.", "")
    charts = [
        Chart(
            f"chart-psi-{version.name}",
            "Feature drift in the latest check (PSI, worst first)",
            figure_json(feature_psi_figure(latest.features if latest else [])),
            has_data=bool(latest and latest.features),
            empty=no_report,
        ),
        Chart(
            f"chart-drift-{version.name}",
            "Drift and labelled performance, check by check",
            figure_json(drift_history_figure(reports)),
            has_data=any(report.max_psi is not None for report in reports),
            empty=no_report,
        ),
    ]
    return MonitoringPanel(version, latest, charts)


@require_GET
@staff_page(roles=MODEL_STAFF_ROLES)
def monitoring(request):
    versions = ModelVersion.objects.filter(stage=Stage.PRODUCTION).order_by("name")
    return render(request, "mlops/monitoring.html", {"panels": [_monitoring_panel(version) for version in versions]})


@require_POST
@staff_page(roles=MODEL_STAFF_ROLES)
def monitoring_check(request, name: str):
    version = production_version(name=name)
    if version is None:
        raise Http404(f"{name} has no production version")
    report = drift_check(version=version)
    messages.success(request, f"Drift check of {version.name} v{version.version}: {report.get_status_display().lower()}.")
    return redirect("mlops:monitoring")
