from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "apps.segments"
    label = "segments"
    verbose_name = "Customer segments"

    def ready(self) -> None:
        # New orders place their customer in the current segmentation (apps.segments.signals).
        from apps.segments import signals  # noqa: F401
