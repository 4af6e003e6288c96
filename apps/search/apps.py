from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.catalog.models import Category
        from apps.core.schedules import periodic_job
        from apps.merchants.models import Merchant
        from apps.search.memo import memo_invalidate
        from apps.search.models import SearchSynonym

        # The engine keeps these small tables per process (apps.search.memo): a change drops every copy.
        for model in (SearchSynonym, Category, Merchant):
            post_save.connect(memo_invalidate, sender=model, dispatch_uid=f"search-memo-save-{model._meta.label}")
            post_delete.connect(memo_invalidate, sender=model, dispatch_uid=f"search-memo-delete-{model._meta.label}")

        # Behaviour boosts and the merchandiser's query figures follow the events hourly.
        periodic_job("search: refresh behaviour boosts", "search.refresh_behaviour", minute="15")
