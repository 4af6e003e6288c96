"""The model registry: every trained model is a versioned record with its metrics, data window and checksum."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Stage(models.TextChoices):
    NONE = "none"
    STAGING = "staging"
    PRODUCTION = "production"
    ARCHIVED = "archived"


class ModelVersion(models.Model):
    name = models.CharField(max_length=64, help_text="fraud, recommendations, segments, …")
    version = models.PositiveIntegerField()
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.NONE)
    metrics = models.JSONField(default=dict, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    features = models.JSONField(default=list, blank=True)
    data_start = models.DateTimeField(null=True, blank=True)
    data_end = models.DateTimeField(null=True, blank=True)
    row_counts = models.JSONField(default=dict, blank=True, help_text="rows used for training / validation")
    reference = models.JSONField(
        default=dict, blank=True, help_text="training-data profile of each feature and the score, for drift monitoring"
    )
    gate = models.JSONField(
        default=dict, blank=True, help_text="the promotion gate's verdict at training: passed, promoted, reason, checks"
    )
    artifact = models.FileField(upload_to="models/", max_length=300)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the artifact, verified at load")
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    promoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="modelversion_name_version"),
            # at most one production version per model: promotion archives the previous one first
            models.UniqueConstraint(fields=["name"], condition=Q(stage="production"), name="modelversion_one_production"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.stage})"

    @property
    def gate_or_none(self) -> dict | None:
        """The stored gate verdict, None for versions trained before the gate existed."""
        return self.gate or None


class TrainingRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    name = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0..1, shown as the portal's progress bar")
    message = models.CharField(max_length=255, blank=True)
    log = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last progress report: a running run silent for TRAINING_RUN_STALE_MINUTES is failed by the reaper",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one active training per model: a second request fails on this constraint instead of racing
            models.UniqueConstraint(
                fields=["name"], condition=Q(status__in=["queued", "running"]), name="trainingrun_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} run {self.pk} ({self.status})"


class PredictionLog(models.Model):
    """One sampled prediction of a production model: its numeric inputs (in the version's feature order) and score.

    The inputs are packed little-endian float64 (`numpy.tobytes`): a daily check reads a
    hundred thousand of them, which as JSON lists would cost seconds of parsing.

    Models whose predictions are stored anyway (fraud assessments) are monitored from those
    rows instead (see apps.mlops.monitoring.PREDICTION_SOURCES); this table serves the rest.
    """

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="predictions")
    features = models.BinaryField()
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["model_version", "created_at"], name="predictionlog_version_time")]

    def __str__(self) -> str:
        return f"prediction of {self.model_version_id} at {self.created_at:%Y-%m-%d %H:%M}"


class DriftReport(models.Model):
    """Drift of a production model's recent inputs and scores against its training reference."""

    class Status(models.TextChoices):
        OK = "ok"
        WARNING = "warning"
        ALERT = "alert"
        NO_DATA = "no_data"

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="drift_reports")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    features = models.JSONField(default=list, blank=True, help_text="per feature: psi, ks_statistic, ks_p_value, severity")
    score = models.JSONField(null=True, blank=True, help_text="drift of the score distribution")
    performance = models.JSONField(default=dict, blank=True, help_text="labelled performance in the window, when known")
    max_psi = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    reasons = models.JSONField(default=list, blank=True, help_text="why the status is warning or alert, in words")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"drift of {self.model_version} at {self.window_end:%Y-%m-%d %H:%M}: {self.status}"


class Canary(models.Model):
    """A staging version of `name` answering `share` % of live requests next to production.

    Which requests is decided by a stable hash of the request key (apps.mlops.canary), so a
    shopper or customer keeps seeing the same version while the share is unchanged.
    """

    name = models.CharField(max_length=64, unique=True)
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="canaries")
    share = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)], help_text="percent of request keys, 0-100")
    started_at = models.DateTimeField(default=timezone.now, help_text="when this version started taking traffic")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(share__lte=100), name="canary_share_at_most_100")]

    def __str__(self) -> str:
        return f"{self.name} canary v{self.version.version} at {self.share}%"


class ServedPrediction(models.Model):
    """One answer of a model while a canary runs, for models that store no answers of their own.

    Fraud assessments already hold the version, score, decision and latency of every payment;
    recommendations do not, so serving logs a sample here (apps.mlops.canary.canary_observe)
    and the Models page compares production and canary from these rows.
    """

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="served")
    score = models.FloatField(null=True, blank=True)
    decision = models.CharField(max_length=32, blank=True, help_text="what the answer was (e.g. model or fallback)")
    latency_ms = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["model_version", "created_at"], name="servedprediction_version_time")]

    def __str__(self) -> str:
        return f"{self.model_version_id} served at {self.created_at:%Y-%m-%d %H:%M}"
