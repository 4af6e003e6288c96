from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from apps.core.schedules import periodic_job

        # Behaviour boosts and the merchandiser's query figures follow the events hourly.
        periodic_job("search: refresh behaviour boosts", "search.refresh_behaviour", minute="15")
