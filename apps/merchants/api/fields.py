"""The `merchant` input field every write shares: a slug or external id among the caller's merchants."""
from __future__ import annotations

from rest_framework import serializers
from rest_framework.fields import empty

from apps.merchants.models import Merchant
from apps.merchants.selectors import merchant_for_writer


class WritableMerchantField(serializers.CharField):
    """Resolves to a Merchant the caller belongs to.

    An unknown merchant and another merchant's both get the same message, so the answer does
    not reveal which merchants exist.
    """

    default_error_messages = {"unknown": "Unknown merchant {reference!r}."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "Slug or external id of one of your merchants.")
        super().__init__(**kwargs)

    def run_validation(self, data=empty) -> Merchant:
        # The string is checked (length, blank) first; only a well-formed reference is looked up.
        reference = super().run_validation(data)
        merchant = merchant_for_writer(user=self.context["request"].user, reference=reference)
        if merchant is None:
            self.fail("unknown", reference=reference)
        return merchant
