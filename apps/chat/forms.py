"""Chat forms of the portal: the FAQ entry (its merchant choice narrowed to what the user may edit) and the
widget's allowed origins."""
from __future__ import annotations

from django import forms

from apps.chat.faq_access import editable_merchants, may_edit_platform_entries
from apps.chat.models import FaqEntry
from apps.chat.origins import InvalidOrigin, origins_normalise
from apps.chat.widget_settings import MAX_ORIGINS


class FaqEntryForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["merchant", "topic", "question", "phrasings", "answer", "active"]
        widgets = {"phrasings": forms.Textarea(attrs={"rows": 3}), "answer": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        merchant = self.fields["merchant"]
        merchant.queryset = editable_merchants(user)
        merchant.required = not may_edit_platform_entries(user)
        merchant.empty_label = "Every storefront (platform default)" if not merchant.required else None
        merchant.help_text = "The storefront whose chat answers with this entry."


class WidgetOriginsForm(forms.Form):
    """The storefront origins of a merchant's chat widget, one per line."""

    allowed_origins = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "https://shop.example.com"}),
        label="Allowed storefront origins",
        help_text="One per line, scheme://host[:port] (no path). Pages of any other origin cannot open this "
        "merchant's chat; ShopSignal's own site (the demo storefront) always can. Empty: own site only.",
    )

    def clean_allowed_origins(self) -> list[str]:
        try:
            origins = origins_normalise(self.cleaned_data["allowed_origins"].splitlines())
        except InvalidOrigin as exc:
            raise forms.ValidationError(str(exc)) from exc
        if len(origins) > MAX_ORIGINS:
            raise forms.ValidationError(f"At most {MAX_ORIGINS} origins.")
        return origins
