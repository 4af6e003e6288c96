"""Product reviews written by customers."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.core.models import MerchantOwnedModel


class Review(MerchantOwnedModel):
    """`merchant` repeats the product's merchant so scoping needs no join."""

    external_id = models.CharField(max_length=64)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "external_id"], name="review_merchant_external_id"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
        ]
        indexes = [models.Index(fields=["product", "-created_at"], name="review_product_created_idx")]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.title}"


class ReviewAnalysis(models.Model):
    """What the text of one review says: overall and per-sentence sentiment, aspects with evidence.

    One row per review, replaced whenever the review is analysed again (a new model, an edit),
    so re-running the analysis is idempotent. Topics come from the merchant's topic model
    (apps.reviews.topic_service): refitting it rewrites every row's topics, so the labels of one
    merchant's reviews always come from one fit; `topics_at` stays null until a fit has run.
    """

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative"
        NEUTRAL = "neutral"
        POSITIVE = "positive"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, primary_key=True, related_name="analysis")
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices)
    score = models.FloatField(help_text="-1 (negative) to 1 (positive).")
    sentences = models.JSONField(default=list, help_text="[{text, start, sentiment, score}] in text order.")
    aspects = models.JSONField(default=list, help_text="[{aspect, sentiment, score, evidence}] in text order.")
    model_version = models.CharField(max_length=64, help_text="The scorer: 'sentiment vN' or the VADER fallback.")
    analysed_at = models.DateTimeField()
    topic = models.CharField(
        max_length=200, blank=True, help_text="Label of the merchant topic the review fits; blank: none fits (or not yet)."
    )
    topics = models.JSONField(default=list, blank=True, help_text="[{label, terms, weight}] share of each topic, largest first.")
    topics_at = models.DateTimeField(null=True, blank=True, help_text="When topics were assigned; null: not yet.")

    class Meta:
        indexes = [
            models.Index(fields=["sentiment"], name="review_analysis_sentiment_idx"),
            models.Index(fields=["topic"], name="review_analysis_topic_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sentiment} ({self.score:+.2f}) for review {self.review_id}"
