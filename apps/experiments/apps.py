from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "apps.experiments"
    label = "experiments"
    verbose_name = "Experiments"

    def ready(self) -> None:
        from apps.events.models import Event
        from apps.events.signals import events_created
        from apps.experiments import running  # noqa: F401  (receivers that reload running experiments)
        from apps.experiments.attribution import on_events_created

        events_created.connect(on_events_created, sender=Event, dispatch_uid="experiments-attribution")
