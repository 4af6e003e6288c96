"""The FAQ entry form of the portal: the merchant choice is narrowed to what the user may edit."""
from __future__ import annotations

from django import forms

from apps.chat.faq_access import editable_merchants, may_edit_platform_entries
from apps.chat.models import FaqEntry


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
