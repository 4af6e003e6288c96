from django.apps import AppConfig


class MlopsConfig(AppConfig):
    name = "apps.mlops"
    label = "mlops"
    verbose_name = "Model registry"

    def ready(self) -> None:
        from apps.core.health import MODEL_STATUS_PROVIDERS
        from apps.mlops.selectors import model_health

        MODEL_STATUS_PROVIDERS.append(model_health)
