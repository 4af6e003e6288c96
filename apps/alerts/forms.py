from django import forms

from apps.alerts.models import ALERT_TYPE_CHOICES, Source
from apps.core.api.fields import MAX_AMOUNT


class PreferenceForm(forms.Form):
    """One toggle of the alerts page (a recommendation's "Turn on" button posts the same form)."""

    alert_type = forms.ChoiceField(choices=ALERT_TYPE_CHOICES)
    enabled = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda value: value == "1")
    monthly_limit = forms.DecimalField(required=False, min_value=1, max_value=MAX_AMOUNT, decimal_places=2, max_digits=12)
    source = forms.ChoiceField(
        choices=[(Source.PAGE.value, Source.PAGE.label), (Source.RECOMMENDATION.value, Source.RECOMMENDATION.label)],
        required=False,
    )
