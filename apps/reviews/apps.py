from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "apps.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job
        from apps.reviews import signals  # noqa: F401  (connects analysis on save)

        # Imports and seeding write reviews in bulk, without the save signal: sweep them up.
        periodic_job("Review analysis of pending reviews", "reviews.analyze_pending", minute="*/15")
