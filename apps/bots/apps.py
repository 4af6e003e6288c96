from django.apps import AppConfig


class BotsConfig(AppConfig):
    name = "apps.bots"
    label = "bots"
    verbose_name = "Bot detection"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # Every 15 minutes, the sessions of the last few hours (apps.bots.tasks): a session still
        # running at one pass is scored again, whole, at the next.
        every_day = {"day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
        periodic_job("Score recent sessions for bots", "bots.score_recent", minute="*/15", hour="*", **every_day)
