from django.apps import AppConfig


class FraudConfig(AppConfig):
    name = "apps.fraud"
    label = "fraud"
    verbose_name = "Fraud"

    def ready(self) -> None:
        from apps.core.warmup import warmup_register

        # Connects the receivers that tell scoring workers to reload rules, lists and settings.
        from apps.fraud import scoring_config  # noqa: F401

        # Scoring's IP country and network lookups: loaded when a web or worker process starts
        # rather than by the first payment it scores (about a second).
        warmup_register("geoip data", geoip_warm)


def geoip_warm() -> None:
    """Import the geoip package and load its data only when a process warms up (not in every command)."""
    from apps.fraud.ip_country import geoip_reader

    geoip_reader()
