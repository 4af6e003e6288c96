"""Portal forms of the fraud pages: they validate input; the services do the writing."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from apps.accounts.models import User
from apps.fraud.cases import BULK_ACTIONS, CASE_WORKER_ROLES
from apps.fraud.models import ListEntry, ReviewCase, Rule
from apps.fraud.risk_settings import MAX_REVIEW_SLA_MINUTES

SNOOZE_CHOICES = [("1", "1 hour"), ("4", "4 hours"), ("24", "1 day"), ("72", "3 days")]
BACKTEST_WINDOWS = [("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last year")]


def case_workers():
    return User.objects.filter(is_active=True, role__in=CASE_WORKER_ROLES).order_by("username")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=case_workers(), to_field_name="username")

    def service_params(self) -> dict:
        return {"assignee": self.cleaned_data["assignee"]}


class SnoozeForm(forms.Form):
    hours = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int)

    def service_params(self) -> dict:
        return {"until": timezone.now() + timedelta(hours=self.cleaned_data["hours"])}


class NoteForm(forms.Form):
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def service_params(self) -> dict:
        return {"text": self.cleaned_data["text"]}


class DecideForm(forms.Form):
    # No preselected answer: a decision is final, so the analyst picks both explicitly.
    outcome = forms.ChoiceField(choices=[("", "Choose…"), *ReviewCase.Outcome.choices])
    label = forms.TypedChoiceField(
        choices=[("", "Choose…"), ("fraud", "Fraud"), ("legitimate", "Legitimate")], coerce=lambda value: value == "fraud"
    )
    note = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_params(self) -> dict:
        return {
            "outcome": self.cleaned_data["outcome"],
            "is_fraud": self.cleaned_data["label"],
            "note": self.cleaned_data["note"],
        }


class NoParamsForm(forms.Form):
    """Claim and release need nothing but the case."""

    def service_params(self) -> dict:
        return {}


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name.title()) for name in BULK_ACTIONS])
    case_ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    assignee = forms.ModelChoiceField(queryset=case_workers(), to_field_name="username", required=False)
    hours = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int, required=False, empty_value=None)
    outcome = forms.ChoiceField(choices=[("", "—"), *ReviewCase.Outcome.choices], required=False)
    label = forms.ChoiceField(choices=[("", "—"), ("fraud", "Fraud"), ("legitimate", "Legitimate")], required=False)

    def __init__(self, *args, case_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_ids"].choices = [(pk, pk) for pk in case_ids]

    def clean(self) -> dict:
        data = super().clean()
        needs = {"assign": ["assignee"], "snooze": ["hours"], "decide": ["outcome", "label"]}.get(data.get("action"), [])
        for field in needs:
            if data.get(field) in (None, ""):
                self.add_error(field, f"Needed to {data['action']} cases.")
        return data

    def service_params(self) -> dict:
        data = self.cleaned_data
        return {
            "assign": lambda: {"assignee": data["assignee"]},
            "snooze": lambda: {"until": timezone.now() + timedelta(hours=data["hours"])},
            "decide": lambda: {"outcome": data["outcome"], "is_fraud": data["label"] == "fraud"},
        }.get(data["action"], dict)()


class ListEntryForm(forms.ModelForm):
    class Meta:
        model = ListEntry
        fields = ["list_type", "kind", "value", "reason", "expires_at"]
        widgets = {"expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = ["name", "description", "condition", "action", "weight", "enabled"]
        widgets = {"condition": forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"})}


class BacktestForm(forms.Form):
    condition = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": "false"}))
    days = forms.TypedChoiceField(choices=BACKTEST_WINDOWS, coerce=int, initial="30")


class RiskSettingsForm(forms.Form):
    review_threshold = forms.FloatField(
        min_value=0, max_value=1, required=False, help_text="Empty: the platform's, else the model's."
    )
    decline_threshold = forms.FloatField(
        min_value=0, max_value=1, required=False, help_text="Empty: the platform's, else the model's."
    )
    review_sla_minutes = forms.IntegerField(min_value=1, max_value=MAX_REVIEW_SLA_MINUTES)
    disabled_rules = forms.ModelMultipleChoiceField(
        queryset=Rule.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )


class WebhookEndpointForm(forms.Form):
    merchant = forms.ChoiceField()
    url = forms.URLField(max_length=500, assume_scheme="https")

    def __init__(self, *args, merchants, **kwargs):
        super().__init__(*args, **kwargs)
        self.merchants = {merchant.slug: merchant for merchant in merchants}
        self.fields["merchant"].choices = [(slug, merchant.name) for slug, merchant in self.merchants.items()]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.startswith(("http://", "https://")):
            raise forms.ValidationError("Use an http or https URL.")
        return url
