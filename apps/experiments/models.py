"""A/B experiments: their variants, the recommendations (exposures) they served, and the
events attributed to each variant.

Counters are written when events arrive (see attribution.py) so the results page reads a few
rows per variant instead of scanning events.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel
from apps.core.tenancy import MerchantScopedQuerySet, merchant_path_queryset


def new_salt() -> str:
    return secrets.token_hex(8)


class Experiment(TimeStampedModel):
    """An experiment on one surface, for one merchant's shoppers or (merchant null) platform-wide."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        RUNNING = "running"
        STOPPED = "stopped"

    class Metric(models.TextChoices):
        CLICK_THROUGH = "click_through"
        CONVERSION = "conversion"

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="The hypothesis, and what would make us ship a variant.")
    surface = models.CharField(max_length=40, help_text="Where the variants apply, e.g. recommendations.")
    merchant = models.ForeignKey(
        "merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="experiments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    holdout_share = models.FloatField(default=0.0, help_text="Share of units kept on the default experience.")
    salt = models.CharField(max_length=32, default=new_salt, help_text="Hashed with the unit id to pick its bucket.")
    primary_metric = models.CharField(max_length=20, choices=Metric.choices, default=Metric.CONVERSION)
    baseline_rate = models.FloatField(
        default=0.05, help_text="Expected control rate of the primary metric, for the sample-size note."
    )
    minimum_detectable_effect = models.FloatField(
        default=0.2, help_text="Smallest relative lift worth detecting (0.2 = +20%), for the sample-size note."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One running experiment per surface and merchant: a unit must get one answer.
            models.UniqueConstraint(
                fields=["surface", "merchant"],
                condition=Q(status="running", merchant__isnull=False),
                name="experiment_one_running_per_merchant",
            ),
            models.UniqueConstraint(
                fields=["surface"],
                condition=Q(status="running", merchant__isnull=True),
                name="experiment_one_running_platform",
            ),
            models.CheckConstraint(
                condition=Q(holdout_share__gte=0, holdout_share__lte=0.5), name="experiment_holdout_0_half"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=200, blank=True)
    weight = models.FloatField(default=1.0, help_text="Relative traffic weight (> 0).")
    params = models.JSONField(default=dict, blank=True, help_text="What the surface does differently.")
    is_control = models.BooleanField(default=False)


    class Meta:
        ordering = ["experiment", "-is_control", "key"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="variant_key_per_experiment"),
            models.UniqueConstraint(
                fields=["experiment"], condition=Q(is_control=True), name="variant_one_control"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="variant_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.key}"


class Exposure(models.Model):
    """One served recommendation list (or other experience): its id is the `recommendation_id`
    that storefront events send back. Experiment and variant are null when no experiment ran."""

    id = models.CharField(max_length=32, primary_key=True)
    experiment = models.ForeignKey(Experiment, null=True, blank=True, on_delete=models.CASCADE, related_name="exposures")
    arm = models.CharField(max_length=40, blank=True, help_text="Variant key, 'holdout', or empty outside experiments.")
    unit_id = models.CharField(max_length=128)
    merchant = models.ForeignKey("merchants.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    surface = models.CharField(max_length=40)
    items = models.JSONField(default=list, blank=True, help_text="Product external ids, in the order shown.")
    created_at = models.DateTimeField(db_index=True)

    objects = MerchantScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.id


class ExposureUnit(models.Model):
    """A unit's membership of an experiment: exposed units per arm are the denominators of
    conversion and click-through, and each unit counts once however often it was served."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="units")
    arm = models.CharField(max_length=40)
    unit_id = models.CharField(max_length=128)
    first_exposed_at = models.DateTimeField()
    clicked_at = models.DateTimeField(null=True, blank=True, help_text="First attributed click.")
    converted_at = models.DateTimeField(null=True, blank=True, help_text="First attributed purchase.")

    objects = merchant_path_queryset("experiment__merchant").as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["experiment", "unit_id"], name="exposureunit_once")]
        # results page: units per arm; purchase attribution by window: a shopper's experiments
        indexes = [
            models.Index(fields=["experiment", "arm"], name="exposureunit_arm_idx"),
            models.Index(fields=["unit_id", "first_exposed_at"], name="exposureunit_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} in {self.experiment_id}:{self.arm}"


class Attribution(models.Model):
    """An event counted for an experiment arm; unique per (event, experiment) so a replay or a
    second delivery of the same event never counts twice."""

    class Via(models.TextChoices):
        RECOMMENDATION = "recommendation", "the event carried a recommendation_id"
        WINDOW = "window", "a purchase by a unit exposed within the attribution window"

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="attributions")
    exposure = models.ForeignKey(Exposure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    arm = models.CharField(max_length=40)
    unit_id = models.CharField(max_length=128)
    type = models.CharField(max_length=20)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    via = models.CharField(max_length=16, choices=Via.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "experiment"], name="attribution_once")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id} -> {self.experiment_id}:{self.arm}"


class ArmDay(models.Model):
    """Attributed event counters per experiment arm and day (the day of the event)."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arm_days")
    arm = models.CharField(max_length=40)
    day = models.DateField()
    impressions = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    add_to_carts = models.PositiveIntegerField(default=0)
    purchases = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["experiment", "arm", "day"]
        constraints = [models.UniqueConstraint(fields=["experiment", "arm", "day"], name="armday_once")]

    def __str__(self) -> str:
        return f"{self.experiment_id}:{self.arm} {self.day}"
