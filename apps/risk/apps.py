from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "apps.risk"
    label = "risk"
    verbose_name = "Customer and seller risk"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # After the nightly detectors (bots, abuse) and before analysts start the day.
        periodic_job("Refresh customer and seller risk scores", "risk.refresh_scores", minute="30", hour="5")
