"""The portal's filter form: a GET form every analytics page shares (the funnel adds two fields)."""
from __future__ import annotations

from datetime import date

from django import forms

from apps.analytics.dashboards import Options
from apps.analytics.filters import DAY_VALIDATORS, MAX_DAYS, Filters, filters_resolve
from apps.analytics.rollups import DEFAULT_WINDOW, WINDOWS
from apps.analytics.selectors import FUNNEL_BREAKDOWNS, MIN_TOGETHER
from apps.catalog.models import Category


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(required=False, validators=DAY_VALIDATORS, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, validators=DAY_VALIDATORS, widget=forms.DateInput(attrs={"type": "date"}))
    merchant = forms.ChoiceField(required=False)
    segment = forms.ChoiceField(required=False)
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, to_field_name="slug", empty_label="All categories"
    )
    window = forms.ChoiceField(required=False, choices=[(w, w) for w in WINDOWS])
    by = forms.ChoiceField(required=False, choices=[(b, b.title()) for b in FUNNEL_BREAKDOWNS])
    min_orders = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, data, *, merchants, segments: list[str]):
        super().__init__(data)
        self.merchants = {m.slug: m for m in merchants}
        self.fields["merchant"].choices = [("", "All merchants"), *((m.slug, m.name) for m in merchants)]
        self.fields["segment"].choices = [("", "All segments"), *((s, s) for s in segments)]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        if start and end and (end - start).days >= MAX_DAYS:
            self.add_error("start", f"Choose at most {MAX_DAYS} days.")
        return data

    def filters(self, *, user, today: date) -> Filters:
        data = self.cleaned_data
        return filters_resolve(
            user=user,
            today=today,
            start=data.get("start"),
            end=data.get("end"),
            merchant=self.merchants.get(data.get("merchant") or ""),
            segment=data.get("segment") or None,
            category=data.get("category"),
        )

    def options(self) -> Options:
        data = self.cleaned_data
        return Options(
            window=data.get("window") or DEFAULT_WINDOW,
            by=data.get("by") or "device",
            min_orders=data.get("min_orders") or MIN_TOGETHER,
        )
