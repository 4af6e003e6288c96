"""Storefront sessions judged to be bots: one row per (merchant, session), rewritten on re-scoring.

A row exists while the latest scoring of its session flags it; re-scoring a session that no
longer looks automated deletes its row, so the exclusion from analytics and recommendations
(`apps.bots.selectors.exclude_bot_sessions`) always follows the current verdict.
"""
from __future__ import annotations

from django.db import models
from django.utils import timezone

from apps.core.tenancy import MerchantScopedQuerySet


class Method(models.TextChoices):
    MODEL = "model", "IsolationForest model"
    RULES = "rules", "Fallback rules (no model)"


class BotSession(models.Model):
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="bot_sessions")
    session_id = models.CharField(max_length=64)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bot_sessions",
        help_text="The signed-in account the session used, if any.",
    )
    anonymous_id = models.CharField(max_length=64, blank=True, help_text="The device's anonymous id, if any.")
    score = models.FloatField(help_text="0..1: the IsolationForest anomaly score, or the rules' share of bot traits.")
    threshold = models.FloatField(null=True, blank=True, help_text="The model's flagging threshold (empty for rules).")
    method = models.CharField(max_length=8, choices=Method.choices)
    model_version = models.ForeignKey(
        "mlops.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="bot_sessions"
    )
    features = models.JSONField(default=dict, help_text="The session features the verdict was made on (ml.risk.bots.FEATURES).")
    reasons = models.JSONField(default=list, help_text="Features furthest outside normal sessions, strongest first.")
    events = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(help_text="First event of the session.")
    ended_at = models.DateTimeField(help_text="Last event of the session.")
    flagged_at = models.DateTimeField(default=timezone.now, help_text="When the session was first flagged.")
    scored_at = models.DateTimeField(default=timezone.now, help_text="When the session was last scored.")

    objects = MerchantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["merchant", "session_id"], name="bot_session_merchant_session_unique")]
        indexes = [
            # the page and the per-day chart: a merchant's sessions, newest first
            models.Index(fields=["merchant", "-started_at"], name="botsession_merchant_start_idx"),
            # risk signals: a customer's flagged sessions
            models.Index(fields=["customer", "-started_at"], name="botsession_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"bot session {self.session_id} ({self.score:.2f})"

    @property
    def visitor(self) -> str:
        """Who the session was: the account's external id, else the device id."""
        if self.customer_id:
            return self.customer.external_id
        return self.anonymous_id or "anonymous"

    @property
    def duration_seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()
