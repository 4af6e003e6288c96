from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "apps.mlops"
    label = "mlops"
    verbose_name = "Model registry"

    def ready(self) -> None:
        from apps.core.health import MODEL_STATUS_PROVIDERS
        from apps.core.schedules import periodic_job
        from apps.mlops.pipeline import TRAINING_SCHEDULES
        from apps.mlops.selectors import model_health

        MODEL_STATUS_PROVIDERS.append(model_health)
        for name, crontab in TRAINING_SCHEDULES.items():
            periodic_job(f"Train {name} model", "mlops.train_scheduled", args=(name,), **crontab)
        periodic_job("Check production models for drift", "mlops.monitor", minute="15", hour="4")
        # Every 5 minutes: a run whose whole worker was killed is failed TRAINING_RUN_STALE_MINUTES after
        # its last progress report, so the Models page explains it and the model can be trained again.
        periodic_job("Fail stale training runs", "mlops.reap_stale_runs", minute="*/5")
        from apps.mlops import metrics  # noqa: F401  (registers the model collectors with Prometheus)
