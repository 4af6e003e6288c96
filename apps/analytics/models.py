"""Daily rollups behind the analytics dashboards, and the KPI anomalies flagged on them.

Dashboards never read raw events or orders: these tables are maintained by the
`analytics.rollups_refresh` task and rebuilt by `manage.py rebuild_rollups`. Every row belongs to
one merchant (tenancy scopes them like any merchant-owned row). Revenue follows the dashboard's
rule: cancelled and refunded orders brought no money, so they are not revenue or orders; refunds
are counted on their own. Rows that break down by segment carry the segment the customer had
when the rollup was built ("" for customers outside any segmentation).
"""
from __future__ import annotations

from django.db import models

from apps.core.tenancy import MerchantScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class MerchantRollup(models.Model):
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="+")

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} of merchant {self.merchant_id} on {getattr(self, 'day', '')}"


class DailyMerchantKPI(MerchantRollup):
    day = models.DateField()
    revenue = models.DecimalField(**MONEY)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    customers = models.PositiveIntegerField(default=0)
    refunds = models.PositiveIntegerField(default=0)
    refunded_amount = models.DecimalField(**MONEY)
    visitors = models.PositiveIntegerField(default=0, help_text="distinct visitors with any storefront event")
    journeys = models.PositiveIntegerField(default=0, help_text="funnel journeys started (24 h window)")
    purchases = models.PositiveIntegerField(default=0, help_text="journeys that purchased (24 h window)")
    reviews = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    positive_reviews = models.PositiveIntegerField(default=0, help_text="4 or 5 stars")
    negative_reviews = models.PositiveIntegerField(default=0, help_text="1 or 2 stars")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "day"], name="analytics_kpi_merchant_day")]


class DailyCategorySales(MerchantRollup):
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    revenue = models.DecimalField(**MONEY)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "category", "day"], name="analytics_cat_merchant_day")]
        indexes = [models.Index(fields=["merchant", "day"], name="analytics_cat_day_idx")]


class DailyProductSales(MerchantRollup):
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    revenue = models.DecimalField(**MONEY)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "product", "day"], name="analytics_prod_merchant_day")]
        indexes = [models.Index(fields=["merchant", "day"], name="analytics_prod_day_idx")]


class DailySegmentCategory(MerchantRollup):
    """Sales per (segment, category): the affinity matrix."""

    day = models.DateField()
    segment = models.CharField(max_length=100, blank=True)
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    revenue = models.DecimalField(**MONEY)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["merchant", "day"], name="analytics_segcat_day_idx")]


class DailyFunnel(MerchantRollup):
    """Funnel journeys started on `day`, by the category and device of their first view, the
    visitor's segment and the conversion window; each stage column counts journeys reaching it."""

    day = models.DateField()
    window = models.CharField(max_length=4)
    category = models.ForeignKey("catalog.Category", null=True, on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=20, blank=True)
    segment = models.CharField(max_length=100, blank=True)
    views = models.PositiveIntegerField(default=0)
    carts = models.PositiveIntegerField(default=0)
    checkouts = models.PositiveIntegerField(default=0)
    purchases = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["merchant", "window", "day"], name="analytics_funnel_day_idx")]


class DailyPair(MerchantRollup):
    """Orders of `day` holding both items of a pair (a < b by id): categories or products."""

    class Kind(models.TextChoices):
        CATEGORY = "category"
        PRODUCT = "product"

    day = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    a = models.PositiveBigIntegerField()
    b = models.PositiveBigIntegerField()
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["merchant", "kind", "day"], name="analytics_pair_day_idx")]


class CohortActivity(MerchantRollup):
    """Customers first buying from the merchant in `cohort_month`, active `months_since` later."""

    segment = models.CharField(max_length=100, blank=True)
    cohort_month = models.DateField()
    months_since = models.PositiveSmallIntegerField()
    customers = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**MONEY)
    repeaters = models.PositiveIntegerField(default=0, help_text="customers whose second order fell in this month")

    class Meta:
        indexes = [models.Index(fields=["merchant", "cohort_month"], name="analytics_cohort_idx")]


class RollupRun(models.Model):
    """When rollups were last brought up to date: the incremental refresh reads changes since then."""

    finished_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField()
    full = models.BooleanField(default=False)
    merchants = models.PositiveIntegerField(default=0)
    days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{'full' if self.full else 'incremental'} rollup run finished {self.finished_at:%Y-%m-%d %H:%M}"


class KpiAnomaly(MerchantRollup):
    """A day on which a KPI left its Bollinger band; one row per (merchant, kpi, day)."""

    class Kpi(models.TextChoices):
        REVENUE = "revenue"
        ORDERS = "orders"
        AVERAGE_ORDER_VALUE = "average_order_value", "Average order value"
        CONVERSION = "conversion"

    kpi = models.CharField(max_length=24, choices=Kpi.choices)
    day = models.DateField()
    value = models.FloatField()
    expected = models.FloatField(help_text="the band's middle: mean of the trailing window")
    lower = models.FloatField()
    upper = models.FloatField()
    direction = models.SmallIntegerField(help_text="+1 above the band, -1 below")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "kpi"]
        constraints = [models.UniqueConstraint(fields=["merchant", "kpi", "day"], name="analytics_anomaly_once")]

    def __str__(self) -> str:
        return f"{self.get_kpi_display()} {'above' if self.direction > 0 else 'below'} band on {self.day}"
