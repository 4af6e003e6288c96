from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # Incremental: the days touched since the last run. Nightly: everything, which also picks
        # up a new segmentation and rows changed by bulk updates (they bypass `updated_at`).
        # Every crontab field is spelled out so the schedule row is looked up exactly.
        every_day = {"day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
        periodic_job("Analytics rollups (incremental)", "analytics.rollups_refresh", minute="*/15", hour="*", **every_day)
        periodic_job("Analytics rollups (nightly full rebuild)", "analytics.rollups_rebuild", minute="20", hour="2", **every_day)
