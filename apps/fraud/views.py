"""Portal pages of the fraud capability, mounted at /fraud/.

Analysts and platform admins work the queue, cases, rules and lists and read the overview.
Risk settings and webhooks are also open to merchant staff for their own merchants: they read
their risk settings (changing them is the risk team's) and manage their webhook endpoints.
Every page reads through the tenancy scope, so another merchant's row is a 404.
POST handlers call the same services as the API and redirect back (post/redirect/get).
"""

from __future__ import annotations

from datetime import timedelta

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.core.exports import Column
from apps.core.permissions import WRITER_ROLES
from apps.core.tenancy import scope_for_user
from apps.dashboard.access import STAFF_ROLES, role_of, staff_page
from apps.dashboard.charts import Chart, EmptyState, figure_json
from apps.dashboard.listing import list_page
from apps.fraud import cases as case_services
from apps.fraud import charts, forms, overview_selectors
from apps.fraud.case_selectors import CaseFilter, case_detail, case_get, case_list
from apps.fraud.lists_service import list_entry_create, list_entry_delete
from apps.fraud.models import ListEntry, ReviewCase, Rule, WebhookDelivery, WebhookEndpoint
from apps.fraud.risk_settings import may_edit_risk_settings, risk_settings_for, risk_settings_for_merchants, risk_settings_update
from apps.fraud.rules_service import rule_backtest, rule_create, rule_update
from apps.fraud.selectors import list_entry_get, list_entry_list, rule_get, rule_list
from apps.fraud.webhooks import webhook_endpoint_create, webhook_endpoint_delete, webhook_endpoint_update, webhook_redeliver
from apps.merchants.selectors import merchant_get, merchant_list

ANALYST_ROLES = frozenset(str(role) for role in case_services.CASE_WORKER_ROLES)
OVERVIEW_DAYS = 30
DELIVERIES_SHOWN = 50
SOURCE = "portal"

QUEUE_COLUMNS = [
    Column("case_id", lambda c: c.pk),
    Column("merchant", lambda c: c.merchant.slug),
    Column("status", lambda c: c.status),
    Column("score", lambda c: f"{c.priority:.3f}"),
    Column("transaction_id", lambda c: c.assessment.payment.transaction_id),
    Column("amount", lambda c: c.assessment.payment.amount),
    Column("currency", lambda c: c.assessment.payment.currency),
    Column("flags", lambda c: " ".join(c.assessment.flags)),
    Column("assignee", lambda c: c.assignee.username if c.assignee else ""),
    Column("opened_at", lambda c: c.created_at.isoformat()),
    Column("sla_due_at", lambda c: c.sla_due_at.isoformat()),
    Column("outcome", lambda c: c.outcome),
]

# Case page actions: the form that validates the POST, the service that does the work, and
# what the confirmation says.
CASE_ACTIONS = {
    "claim": (forms.NoParamsForm, case_services.case_claim, "claimed: it is yours until you release or decide it"),
    "release": (forms.NoParamsForm, case_services.case_release, "released to the queue"),
    "assign": (forms.AssignForm, case_services.case_assign, "assigned"),
    "snooze": (forms.SnoozeForm, case_services.case_snooze, "snoozed"),
    "note": (forms.NoteForm, case_services.case_note, "note added"),
    "decide": (forms.DecideForm, case_services.case_decide, "decided"),
}
# The list buttons of a case page: list kind -> (label, the payment's value for it).
CASE_LIST_VALUES = {
    ListEntry.Kind.CARD: ("Card", lambda p: p.card_fingerprint),
    ListEntry.Kind.DEVICE: ("Device", lambda p: p.device_id),
    ListEntry.Kind.IP: ("IP address", lambda p: p.ip_address or ""),
    ListEntry.Kind.EMAIL: ("Email", lambda p: p.customer.email),
    ListEntry.Kind.CUSTOMER: ("Customer", lambda p: p.customer.external_id),
}


def _back(request) -> HttpResponseRedirect:
    """Redirect to the same page with the same filters (post/redirect/get)."""
    query = request.GET.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


def _report_error(request, error: Exception) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, str(error))


def _posted_id(request, name: str) -> int:
    """A row id from a POSTed form; anything that is not one is as absent as a missing row."""
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404("No such object.")
    return int(value)


def _form_errors(form: django_forms.Form) -> str:
    return " ".join(f"{field if field != '__all__' else ''} {' '.join(errors)}".strip() for field, errors in form.errors.items())


# --- the queue ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page(roles=ANALYST_ROLES)
def queue_page(request):
    filters = request.GET.copy()
    filters.setdefault("status", "active")
    if request.method == "POST":
        return _queue_bulk(request)
    return list_page(
        request,
        rows=case_list(user=request.user, filters=filters, request=request),
        template="fraud/queue.html",
        export_name="fraud-cases",
        columns=QUEUE_COLUMNS,
        context={
            "filter_form": CaseFilter(filters, request=request).form,
            "statuses": CaseFilter.STATUS_CHOICES,
            "now": timezone.now(),
            "sla_warning": timezone.now() + timedelta(hours=1),
            "bulk_form": forms.BulkForm(case_ids=[], auto_id="b-%s"),
            "workers": forms.case_workers(),
        },
    )


def _queue_bulk(request) -> HttpResponse:
    """Apply a bulk action to the ticked cases the user may see; ids outside the scope are ignored."""
    selected = [int(pk) for pk in request.POST.getlist("case_ids") if pk.isdigit()]
    visible = case_list(user=request.user).filter(pk__in=selected)
    form = forms.BulkForm(request.POST, case_ids=list(visible.values_list("pk", flat=True)))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request)
    cases = [case for case in visible if case.pk in form.cleaned_data["case_ids"]]
    try:
        results = case_services.cases_bulk(
            cases=cases, actor=request.user, action=form.cleaned_data["action"], params=form.service_params(), source=SOURCE
        )
    except (case_services.CaseForbidden, ValidationError) as error:
        _report_error(request, error)
        return _back(request)
    done = [result for result in results if result["ok"]]
    refused = [f"#{result['case_id']}: {result['error']}" for result in results if not result["ok"]]
    messages.success(request, f"{form.cleaned_data['action'].title()}: {len(done)} of {len(results)} cases.")
    if refused:
        messages.warning(request, " ".join(refused))
    return _back(request)


# --- one case ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page(roles=ANALYST_ROLES)
def case_page(request, pk: int):
    if request.method == "POST":
        return _case_action(request, case_get(user=request.user, case_id=pk))
    detail = case_detail(user=request.user, case_id=pk)
    payment = detail.case.assessment.payment
    return render(
        request,
        "fraud/case.html",
        {
            "detail": detail,
            "case": detail.case,
            "payment": payment,
            "now": timezone.now(),
            "is_mine": detail.case.assignee_id == request.user.pk,
            "decide_form": forms.DecideForm(),
            "assign_form": forms.AssignForm(),
            "snooze_form": forms.SnoozeForm(),
            "note_form": forms.NoteForm(),
            "list_values": _list_values(payment),
        },
    )


def _list_values(payment) -> list[tuple[str, str, str]]:
    """(kind, label, value) for each list kind the payment has a value for, for the list buttons."""
    values = [(kind, label, value_of(payment)) for kind, (label, value_of) in CASE_LIST_VALUES.items()]
    return [(kind, label, value) for kind, label, value in values if value]


def _case_action(request, case: ReviewCase) -> HttpResponse:
    action = request.POST.get("action", "")
    if action in ("allow", "block"):
        return _case_list_entry(request, case, list_type=action)
    if action not in CASE_ACTIONS:
        raise Http404("No such action.")
    form_class, service, done = CASE_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request)
    try:
        service(case=case, actor=request.user, source=SOURCE, **form.service_params())
    except (case_services.CaseConflict, case_services.CaseForbidden, ValidationError) as error:
        _report_error(request, error)
    else:
        messages.success(request, f"Case {case.pk} {done}.")
    return _back(request)


def _case_list_entry(request, case: ReviewCase, *, list_type: str) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in CASE_LIST_VALUES:
        raise Http404("No such list kind.")
    value = CASE_LIST_VALUES[kind][1](case.assessment.payment)
    entry, created = list_entry_create(
        actor=request.user, list_type=list_type, kind=kind, value=value, reason=f"from case {case.pk}", source=SOURCE
    )
    messages.success(request, f"{'Added' if created else 'Already listed'}: {entry}.")
    return _back(request)


# --- rules -------------------------------------------------------------------------------------


def _backtest(request, form: forms.BacktestForm) -> dict | None:
    """Run a backtest from a valid form, or put the condition's error on the form."""
    if not form.is_valid():
        return None
    end = timezone.now()
    start = end - timedelta(days=form.cleaned_data["days"])
    try:
        result = rule_backtest(condition=form.cleaned_data["condition"], start=start, end=end)
    except ValidationError as error:
        form.add_error("condition", error.message_dict.get("condition", error.messages))
        return None
    return {"result": result, "start": start, "end": end}


@require_http_methods(["GET", "POST"])
@staff_page(roles=ANALYST_ROLES)
def rules_page(request):
    form = forms.RuleForm(request.POST or None, prefix="rule")
    backtest_form = forms.BacktestForm(request.POST if request.POST.get("action") == "backtest" else None)
    backtest = None
    if request.method == "POST" and request.POST.get("action") == "backtest":
        backtest = _backtest(request, backtest_form)
        form = forms.RuleForm(prefix="rule", initial={"condition": request.POST.get("condition", "")})
    elif request.method == "POST" and form.is_valid():
        try:
            rule = rule_create(actor=request.user, source=SOURCE, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Rule {rule.name} created.")
            return redirect("fraud:rules")
    return render(
        request,
        "fraud/rules.html",
        {"rules": rule_list(), "form": form, "backtest_form": backtest_form, "backtest": backtest},
    )


def _add_errors(form: django_forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@require_http_methods(["GET", "POST"])
@staff_page(roles=ANALYST_ROLES)
def rule_edit_page(request, name: str):
    rule = rule_get(name=name)
    action = request.POST.get("action", "save")
    form = forms.RuleForm(request.POST if action == "save" else None, instance=Rule.objects.get(pk=rule.pk), prefix="rule")
    backtest_form = forms.BacktestForm(request.POST if action == "backtest" else None, initial={"condition": rule.condition})
    backtest = _backtest(request, backtest_form) if request.method == "POST" and action == "backtest" else None
    if request.method == "POST" and action == "save" and form.is_valid():
        try:
            rule = rule_update(actor=request.user, rule=rule, source=SOURCE, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Rule {rule.name} saved.")
            return redirect("fraud:rule-edit", name=rule.name)
    return render(
        request, "fraud/rule_edit.html", {"rule": rule, "form": form, "backtest_form": backtest_form, "backtest": backtest}
    )


# --- allow and block lists ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page(roles=ANALYST_ROLES)
def lists_page(request):
    form = forms.ListEntryForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            entry = list_entry_get(pk=_posted_id(request, "entry"))
            list_entry_delete(actor=request.user, entry=entry, source=SOURCE)
            messages.success(request, f"Removed {entry}.")
            return _back(request)
        if form.is_valid():
            try:
                entry, created = list_entry_create(actor=request.user, source=SOURCE, **form.cleaned_data)
            except ValueError as error:  # an IP that is not one
                form.add_error("value", str(error))
            else:
                messages.success(request, f"{'Added' if created else 'Updated'} {entry}.")
                return _back(request)
    return list_page(
        request,
        rows=list_entry_list(filters=request.GET),
        template="fraud/lists.html",
        export_name="fraud-lists",
        columns=[
            Column(header, getter)
            for header, getter in (
                ("list", lambda e: e.list_type),
                ("kind", lambda e: e.kind),
                ("value", lambda e: e.value),
                ("reason", lambda e: e.reason),
                ("expires_at", lambda e: e.expires_at.isoformat() if e.expires_at else ""),
            )
        ],
        context={"form": form, "list_types": ListEntry.ListType.choices, "kinds": ListEntry.Kind.choices},
    )


# --- risk settings -----------------------------------------------------------------------------


@staff_page()
def risk_settings_page(request):
    return render(
        request,
        "fraud/risk_settings.html",
        {
            "rows": risk_settings_for_merchants(merchants=merchant_list(user=request.user)),
            "may_edit": may_edit_risk_settings(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_page()
def risk_settings_edit_page(request, slug: str):
    merchant = merchant_get(user=request.user, slug=slug)
    settings = risk_settings_for(merchant=merchant)
    initial = {
        "review_threshold": settings.review_threshold,
        "decline_threshold": settings.decline_threshold,
        "review_sla_minutes": settings.review_sla_minutes,
        "disabled_rules": list(settings.disabled_rules.all()) if settings.pk else [],
    }
    may_edit = may_edit_risk_settings(request.user)
    form = forms.RiskSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not may_edit:
            messages.error(request, "Only fraud analysts and platform admins change risk settings.")
            return _back(request)
        if form.is_valid():
            try:
                risk_settings_update(
                    actor=request.user,
                    merchant=merchant,
                    review_threshold=form.cleaned_data["review_threshold"],
                    decline_threshold=form.cleaned_data["decline_threshold"],
                    review_sla_minutes=form.cleaned_data["review_sla_minutes"],
                    disabled_rules=list(form.cleaned_data["disabled_rules"]),
                    source=SOURCE,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Risk settings of {merchant.name} saved.")
                return redirect("fraud:risk-settings")
    if not may_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "fraud/risk_settings_edit.html", {"merchant": merchant, "form": form, "may_edit": may_edit})


# --- webhooks ----------------------------------------------------------------------------------


def _may_manage_webhooks(user) -> bool:
    return role_of(user) in WRITER_ROLES


@require_http_methods(["GET", "POST"])
@staff_page(roles=STAFF_ROLES)
def webhooks_page(request):
    merchants = list(merchant_list(user=request.user))
    form = forms.WebhookEndpointForm(request.POST if request.POST.get("action") == "create" else None, merchants=merchants)
    endpoints = scope_for_user(WebhookEndpoint.objects.select_related("merchant"), request.user).annotate(
        dead=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.DEAD))
    )
    deliveries = scope_for_user(WebhookDelivery.objects.select_related("endpoint", "endpoint__merchant"), request.user)
    if request.method == "POST":
        if not _may_manage_webhooks(request.user):
            messages.error(request, "Only merchant staff and platform admins manage webhooks.")
            return _back(request)
        response = _webhook_action(request, form, endpoints, deliveries)
        if response is not None:
            return response
    status = request.GET.get("status", "")
    shown = deliveries.filter(status=status) if status in WebhookDelivery.Status.values else deliveries
    return render(
        request,
        "fraud/webhooks.html",
        {
            "form": form,
            "endpoints": endpoints,
            "deliveries": shown[:DELIVERIES_SHOWN],
            "statuses": WebhookDelivery.Status.choices,
            "may_manage": _may_manage_webhooks(request.user),
            "new_secret": request.session.pop("fraud_new_webhook_secret", None),
        },
    )


def _webhook_action(request, form, endpoints, deliveries) -> HttpResponse | None:
    """Handle one webhooks-page POST; None means "show the page again" (the form has errors)."""
    action = request.POST.get("action", "")
    if action == "create":
        if not form.is_valid():
            return None
        _, secret = webhook_endpoint_create(
            actor=request.user, merchant=form.merchants[form.cleaned_data["merchant"]], url=form.cleaned_data["url"]
        )
        # Shown once, on the page the redirect leads to (the row keeps it only to sign deliveries).
        request.session["fraud_new_webhook_secret"] = secret
        messages.success(request, "Endpoint registered. Copy its signing secret now: it is not shown again.")
        return _back(request)
    target = _posted_id(request, "id")
    if action in ("pause", "resume", "delete"):
        endpoint = get_object_or_404(endpoints, pk=target)
        if action == "delete":
            webhook_endpoint_delete(actor=request.user, endpoint=endpoint)
        else:
            webhook_endpoint_update(actor=request.user, endpoint=endpoint, active=action == "resume")
        messages.success(request, f"Endpoint {endpoint.url}: {action} done.")
        return _back(request)
    if action == "redeliver":
        delivery = get_object_or_404(deliveries, pk=target)
        webhook_redeliver(actor=request.user, delivery=delivery)
        messages.success(request, f"Delivery {delivery.pk} queued again.")
        return _back(request)
    raise Http404("No such action.")


# --- overview ----------------------------------------------------------------------------------


@staff_page(roles=ANALYST_ROLES)
def overview_page(request):
    since = timezone.now() - timedelta(days=OVERVIEW_DAYS)
    user = request.user
    days = overview_selectors.decisions_per_day(user=user, since=since)
    scores = overview_selectors.score_histogram(user=user, since=since)
    ages = overview_selectors.queue_ages(user=user)
    quality = overview_selectors.weekly_quality(user=user, since=since)
    rules = overview_selectors.top_rules(user=user, since=since)
    no_scores = EmptyState("No payments scored in the last 30 days.", "POST /api/v1/fraud/score")
    chart_list = [
        Chart(
            "chart-decisions", "Decisions per day", figure_json(charts.decisions_figure(days)), bool(days), no_scores, wide=True
        ),
        Chart(
            "chart-scores", "Score distribution", figure_json(charts.score_distribution_figure(scores)), any(scores), no_scores
        ),
        Chart(
            "chart-queue",
            "Open cases by age",
            figure_json(charts.queue_age_figure(ages)),
            any(a.waiting or a.claimed for a in ages),
            EmptyState("The queue is empty.", ""),
        ),
        Chart(
            "chart-quality",
            "Precision and recall of review/decline, by week",
            figure_json(charts.quality_figure(quality)),
            bool(quality),
            EmptyState(
                "No labelled payments yet: labels come from analysts' decisions and chargebacks.",
                "python manage.py import_data chargebacks FILE.csv",
            ),
        ),
        Chart("chart-rules", "Top firing rules and flags", figure_json(charts.top_rules_figure(rules)), bool(rules), no_scores),
    ]
    waiting = case_list(user=user, filters={"status": "waiting"}, request=request)
    return render(
        request,
        "fraud/overview.html",
        {
            "charts": chart_list,
            "waiting": waiting.count(),
            "overdue": waiting.filter(sla_due_at__lt=timezone.now()).count(),
            "queue_url": reverse("fraud:queue"),
        },
    )
