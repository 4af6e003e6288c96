"""Segmentation runs, their segments, and each customer's place in a run.

A run segments one scope: a merchant's customers (`merchant` set) or every customer
(`merchant` null, platform staff only). The current segmentation of a scope is its latest
succeeded run; a run's rows are written in one transaction, so a half-written run is never read.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from apps.core.tenancy import MerchantScopedQuerySet, merchant_path_queryset


class SegmentationRun(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    merchant = models.ForeignKey(
        "merchants.Merchant",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="segmentation_runs",
        help_text="Empty: the platform-wide segmentation of every customer.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUCCEEDED)
    method = models.CharField(max_length=64, help_text="Clustering method(s) behind the segments.")
    params = models.JSONField(default=dict, help_text="Features, their scaling, k range, RFM cut-points, seeds.")
    metrics = models.JSONField(default=dict, help_text="Silhouette per k, chosen k, mixture BIC, HDBSCAN noise share.")
    clv = models.JSONField(default=dict, help_text="BG/NBD and Gamma-Gamma parameters, or why there is not enough data yet.")
    customers = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=255, blank=True)
    training_run = models.ForeignKey(
        "mlops.TrainingRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="segmentation_runs"
    )
    model_version = models.ForeignKey(
        "mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="segmentation_runs"
    )
    data_end = models.DateTimeField(null=True, blank=True, help_text="The moment recency and CLV were measured at.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # current segmentation of a scope: WHERE merchant_id = ? AND status = 'succeeded' ORDER BY created_at DESC
        indexes = [models.Index(fields=["merchant", "status", "-created_at"], name="segrun_scope_current_idx")]

    def __str__(self) -> str:
        return f"segmentation {self.pk} ({self.merchant or 'platform-wide'})"

    @property
    def clv_available(self) -> bool:
        return bool(self.clv.get("bgnbd"))


class Segment(models.Model):
    run = models.ForeignKey(SegmentationRun, on_delete=models.CASCADE, related_name="segments")
    key = models.PositiveSmallIntegerField(help_text="The K-Means label within the run.")
    name = models.CharField(max_length=100)
    persona = models.TextField()
    size = models.PositiveIntegerField()
    stats = models.JSONField(default=dict)
    centroid = models.JSONField(default=list, help_text="K-Means centroid in standardised feature units (run.params).")

    objects = merchant_path_queryset("run__merchant").as_manager()

    class Meta:
        ordering = ["run", "key"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="segment_run_key_unique")]

    def __str__(self) -> str:
        return self.name


class CustomerSegment(models.Model):
    """A customer's RFM scores, segment, soft membership and predicted value in one run."""

    run = models.ForeignKey(SegmentationRun, on_delete=models.CASCADE, related_name="memberships")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="segment_memberships")
    segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="Empty for prospects (no order yet): they have no behaviour to cluster.",
    )
    r_score = models.PositiveSmallIntegerField(null=True, blank=True)
    f_score = models.PositiveSmallIntegerField(null=True, blank=True)
    m_score = models.PositiveSmallIntegerField(null=True, blank=True)
    fm_score = models.PositiveSmallIntegerField(null=True, blank=True)
    rfm_group = models.CharField(max_length=32)
    probabilities = models.JSONField(default=list, blank=True, help_text="Gaussian-mixture membership per segment key.")
    density_cluster = models.SmallIntegerField(
        null=True, blank=True, help_text="HDBSCAN cluster; -1 = noise (fits no dense group); empty = not in its sample."
    )
    predicted_orders_365d = models.FloatField(null=True, blank=True)
    predicted_value_365d = models.FloatField(null=True, blank=True)
    p_alive = models.FloatField(null=True, blank=True)
    expected_next_order = models.DateField(null=True, blank=True)
    monetary = models.FloatField(default=0.0, help_text="Money spent in the scope up to the run.")
    frequency = models.PositiveIntegerField(default=0)
    recency_days = models.FloatField(null=True, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    dynamic = models.BooleanField(default=False, help_text="Placed after the run by nearest centroid, without retraining.")

    objects = merchant_path_queryset("run__merchant").as_manager()

    class Meta:
        ordering = ["-monetary", "customer_id"]
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="customer_segment_run_customer_unique")]
        # a segment's customer list: WHERE segment_id = ? ORDER BY monetary DESC
        indexes = [models.Index(fields=["segment", "-monetary"], name="custseg_segment_value_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} in {self.segment or self.rfm_group}"
