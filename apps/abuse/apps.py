from django.apps import AppConfig


class AbuseConfig(AppConfig):
    name = "apps.abuse"
    label = "abuse"
    verbose_name = "Marketplace abuse"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # Nightly, after the day's orders are in and before the 02:45 segmentation run.
        periodic_job("Detect scalping and collusion rings", "abuse.detect", minute="20", hour="2")
