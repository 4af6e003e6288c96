"""The catalog editor's forms."""
from django import forms

from apps.catalog.models import TagSuggestionDecision


class TagDecisionForm(forms.Form):
    """One accept/reject button of the tagging page: the suggestion travels in hidden fields."""

    family = forms.ChoiceField(choices=TagSuggestionDecision.Family.choices)
    value = forms.CharField(max_length=400)
    confidence = forms.FloatField(min_value=0, max_value=1, required=False)
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
