from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "apps.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from apps.core.warmup import WEB, warmup_register
        from apps.dashboard.charts import plotly_warm

        warmup_register("plotly figures", plotly_warm, roles=[WEB])
