from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # Daily check, weekly effect: the task retrains only when the production model is older
        # than ALERTS_MODEL_MAX_AGE_DAYS (7), so a model trained by hand restarts the week.
        periodic_job("Retrain alerts model when stale", "alerts.retrain_if_stale", minute="15", hour="4")
