from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from apps.core.schedules import periodic_jobs_sync
        from apps.core.warmup import WEB, url_resolvers_warm, warmup_register

        warmup_register("url resolvers", url_resolvers_warm, roles=[WEB])

        # Once per migrate (sender=this app), after every app had the chance to declare its jobs.
        post_migrate.connect(periodic_jobs_sync, sender=self, dispatch_uid="core.periodic_jobs_sync")
