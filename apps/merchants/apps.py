from django.apps import AppConfig


class MerchantsConfig(AppConfig):
    name = "apps.merchants"
    label = "merchants"
    verbose_name = "Merchants"

    def ready(self) -> None:
        # The per-process merchant directory (apps.merchants.directory) drops its copies on any change.
        from django.db.models.signals import post_delete, post_save

        from apps.core.warmup import WEB, warmup_register
        from apps.merchants.directory import directory_forget, directory_warm
        from apps.merchants.models import Merchant

        warmup_register("merchant directory", directory_warm, roles=[WEB])

        post_save.connect(directory_forget, sender=Merchant, dispatch_uid="merchants.directory.saved")
        post_delete.connect(directory_forget, sender=Merchant, dispatch_uid="merchants.directory.deleted")
