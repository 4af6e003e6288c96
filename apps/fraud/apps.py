from django.apps import AppConfig


class FraudConfig(AppConfig):
    name = "apps.fraud"
    label = "fraud"
    verbose_name = "Fraud"

    def ready(self) -> None:
        # Connects the receivers that tell scoring workers to reload rules, lists and settings.
        from apps.fraud import scoring_config  # noqa: F401
