"""Portal forms of the experiments pages: they validate shapes; the services apply the rules."""
from __future__ import annotations

import json

from django import forms

from apps.experiments.models import Experiment
from apps.experiments.services import VariantSpec
from apps.experiments.surfaces import SURFACES

PLATFORM_WIDE = ""
VARIANT_ROWS = 4


class ExperimentForm(forms.Form):
    key = forms.SlugField(max_length=64, help_text="A short id used in the API and in URLs; cannot change later.")
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="The hypothesis, and what would make you ship a variant.")
    surface = forms.ChoiceField(choices=[(s, s.title()) for s in sorted(SURFACES)])
    merchant = forms.ChoiceField(help_text="Whose shoppers take part.")
    holdout_share = forms.FloatField(min_value=0, max_value=0.5, initial=0.0,
                                     help_text="Share of shoppers kept on the default experience (0 to 0.5).")
    primary_metric = forms.ChoiceField(choices=Experiment.Metric.choices, initial=Experiment.Metric.CONVERSION)
    baseline_rate = forms.FloatField(min_value=0.0001, max_value=0.9999, initial=0.05,
                                     help_text="Expected control rate of the primary metric, e.g. 0.05 for 5%.")
    minimum_detectable_effect = forms.FloatField(min_value=0.001, max_value=10, initial=0.2,
                                                 help_text="Smallest relative lift worth detecting, e.g. 0.2 for +20%.")

    def __init__(self, *args, merchants, platform_wide: bool, editing: Experiment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.pk), m.name) for m in merchants]
        if platform_wide:
            choices.insert(0, (PLATFORM_WIDE, "Platform-wide (every merchant)"))
        self.fields["merchant"].choices = choices
        if editing is not None:
            # The key and the merchant are fixed once created; allocation fields once running.
            for name in ("key", "merchant"):
                self.fields[name].disabled = True
            if editing.status != Experiment.Status.DRAFT:
                for name in ("surface", "holdout_share"):
                    self.fields[name].disabled = True

    def merchant_id(self) -> int | None:
        value = self.cleaned_data["merchant"]
        return int(value) if value != PLATFORM_WIDE else None


class VariantForm(forms.Form):
    key = forms.SlugField(max_length=40, required=False)
    name = forms.CharField(max_length=200, required=False)
    weight = forms.FloatField(min_value=0.0001, initial=1.0, required=False)
    params = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": '{"strategy": "popularity"}'}),
                             help_text="JSON; empty for the default experience.")
    is_control = forms.BooleanField(required=False)

    def clean_params(self) -> dict:
        text = self.cleaned_data["params"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"Not valid JSON: {error.msg}.") from error
        if not isinstance(value, dict):
            raise forms.ValidationError("Give a JSON object.")
        return value


VariantFormSet = forms.formset_factory(VariantForm, extra=0, max_num=10)


def variant_formset(data=None, *, experiment: Experiment | None = None):
    """The variant rows: the experiment's own (or a control and one variant), padded with blank rows."""
    if experiment is not None:
        initial = [{"key": v.key, "name": v.name, "weight": v.weight, "params": json.dumps(v.params) if v.params else "",
                    "is_control": v.is_control} for v in experiment.variants.all()]
    else:
        initial = [{"key": "control", "name": "Control", "weight": 1.0, "is_control": True},
                   {"key": "treatment", "name": "Treatment", "weight": 1.0}]
    initial += [{}] * max(0, VARIANT_ROWS - len(initial))
    return VariantFormSet(data, initial=initial, prefix="variants")


def variant_specs(formset) -> list[VariantSpec]:
    """Filled rows of a valid formset (a row without a key is blank)."""
    return [
        VariantSpec(key=row["key"], name=row["name"], weight=row["weight"] or 1.0, params=row["params"],
                    is_control=row["is_control"])
        for row in formset.cleaned_data if row.get("key")
    ]
