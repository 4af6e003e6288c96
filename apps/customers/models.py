"""Marketplace shoppers. A customer is one account across merchants; a merchant sees the
customers who have dealt with it (MerchantCustomer), never the others."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from apps.core.tenancy import MerchantScopedQuerySet


class CustomerQuerySet(MerchantScopedQuerySet):
    def for_merchants(self, merchant_ids):
        links = MerchantCustomer.objects.filter(customer=OuterRef("pk"), merchant_id__in=merchant_ids)
        return self.filter(Exists(links))


class Customer(models.Model):
    external_id = models.CharField(max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 billing country")
    marketing_opt_in = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email or self.external_id


class MerchantCustomer(models.Model):
    """That a customer has ordered, paid, browsed or reviewed at a merchant: the tenancy link."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="customer_links")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merchant_links")
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "customer"], name="merchant_customer_unique")]
        # customer scoping: EXISTS (... WHERE customer_id = ? AND merchant_id IN (...))
        indexes = [models.Index(fields=["customer", "merchant"], name="merchcust_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.merchant_id}"


def link_customers(pairs: set[tuple[int, int]]) -> None:
    """Record (merchant_id, customer_id) links; existing ones are left untouched."""
    if pairs:
        MerchantCustomer.objects.bulk_create(
            [MerchantCustomer(merchant_id=m, customer_id=c) for m, c in pairs if m and c],
            ignore_conflicts=True,
            batch_size=2000,
        )
