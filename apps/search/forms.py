"""The merchandiser page's synonym forms."""
from __future__ import annotations

from django import forms


class SynonymForm(forms.Form):
    merchant = forms.ChoiceField(required=False, help_text="Leave empty for every storefront (platform staff).")
    term = forms.CharField(max_length=100)
    synonyms = forms.CharField(max_length=1000, help_text="Comma-separated.")

    def __init__(self, *args, merchant_choices: list[tuple[str, str]], allow_global: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = ([("", "Every storefront")] if allow_global else []) + merchant_choices
        self.fields["merchant"].choices = choices
        self.fields["merchant"].required = not allow_global

    def clean_synonyms(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["synonyms"].split(",") if part.strip()]


class SynonymDeleteForm(forms.Form):
    synonym_id = forms.IntegerField(min_value=1)
