"""Portal forms of the Models page: they validate input; the services do the writing."""
from __future__ import annotations

from django import forms

from apps.mlops.models import ModelVersion, Stage


class CanaryForm(forms.Form):
    """Which version of `name` takes how much traffic; production versions are not offered."""

    version = forms.ModelChoiceField(queryset=ModelVersion.objects.none())
    share = forms.IntegerField(min_value=0, max_value=100, help_text="percent of customers routed to this version")

    def __init__(self, *args, name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = ModelVersion.objects.filter(name=name).exclude(stage=Stage.PRODUCTION)


def form_errors(form: forms.Form) -> str:
    """The errors in one line, each after the field it concerns."""
    return " ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
