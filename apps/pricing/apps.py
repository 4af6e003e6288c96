from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "apps.pricing"
    label = "pricing"
    verbose_name = "Pricing"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # Hourly: new listings get a stored range for the outliers page within the hour, and a
        # category fallback (6 hours) never ages much past its limit. Product reads never store.
        periodic_job("Refresh fair price suggestions", "pricing.refresh_suggestions", minute="40")
