from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = "Recommendations"

    def ready(self) -> None:
        # New storefront events update the shopper's session boost and drop their cached answers.
        from apps.events.signals import events_created
        from apps.recommendations.live import on_events_created

        events_created.connect(on_events_created, dispatch_uid="recommendations.on_events_created")
