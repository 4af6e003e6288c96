"""Search: merchandiser-edited synonyms, the log of searches served, and what shoppers did after searching.

The full-text document itself lives on the product table (`catalog_product.search_document`, a
stored generated tsvector on PostgreSQL, added by this app's first migration) so that every
way a product is written (services, imports, the demo's COPY) keeps it current.
"""
from __future__ import annotations

from django.db import models

from apps.core.tenancy import MerchantScopedQuerySet


class SearchSynonym(models.Model):
    """Interchangeable phrasings for search: "tee" <-> "t-shirt". No merchant: applies to every storefront."""

    merchant = models.ForeignKey(
        "merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="search_synonyms"
    )
    term = models.CharField(max_length=100)
    synonyms = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["term", "id"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "term"], name="synonym_merchant_term_unique"),
            models.UniqueConstraint(
                fields=["term"], condition=models.Q(merchant__isnull=True), name="synonym_global_term_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} -> {', '.join(self.synonyms)}"


class SearchQueryLog(models.Model):
    """One search served by the API: its normalised query and how many products it found (zero-result analysis)."""

    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200)
    results = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "query"], name="searchlog_merchant_query_idx")]

    def __str__(self) -> str:
        return f"{self.query!r}: {self.results} results"


class SearchQueryStat(models.Model):
    """Per storefront and normalised query: searches, how many were followed by a click / purchase, results found.

    Rebuilt from events and the search log by `search.refresh_behaviour`.
    """

    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200)
    searches = models.PositiveIntegerField(default=0)
    clicked = models.PositiveIntegerField(default=0)
    purchased = models.PositiveIntegerField(default=0)
    zero_result_searches = models.PositiveIntegerField(default=0)
    result_count = models.PositiveIntegerField(null=True, blank=True, help_text="Products the query finds today.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-searches", "query"]
        constraints = [models.UniqueConstraint(fields=["merchant", "query"], name="querystat_merchant_query_unique")]

    def __str__(self) -> str:
        return f"{self.query!r}: {self.searches} searches"

    @property
    def click_through(self) -> float | None:
        return self.clicked / self.searches if self.searches else None


class QueryProductStat(models.Model):
    """What shoppers did with one product after searching one query on one storefront (the learnt boosts)."""

    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    clicks = models.PositiveIntegerField(default=0)
    add_to_carts = models.PositiveIntegerField(default=0)
    purchases = models.PositiveIntegerField(default=0)
    engagement = models.FloatField(default=0)
    searches = models.PositiveIntegerField(default=0, help_text="Searches of the query on the storefront (n_q).")

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "query", "product"], name="queryproduct_unique"),
        ]
        indexes = [models.Index(fields=["query", "merchant"], name="queryproduct_query_idx")]

    def __str__(self) -> str:
        return f"{self.query!r} -> product {self.product_id}: {self.engagement:g}"
