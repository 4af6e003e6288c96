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

        # The per-process shopper copies (apps.recommendations.access) follow changes made here.
        from django.db.models.signals import post_delete, post_save

        from apps.catalog.models import Product
        from apps.customers.models import Customer, MerchantCustomer
        from apps.merchants.models import Merchant
        from apps.recommendations.access import product_forget, shopper_forget

        post_save.connect(shopper_forget, sender=Merchant, dispatch_uid="recommendations.access.merchant_saved")
        post_delete.connect(shopper_forget, sender=Merchant, dispatch_uid="recommendations.access.merchant_deleted")
        post_save.connect(shopper_forget, sender=Customer, dispatch_uid="recommendations.access.customer_saved")
        post_delete.connect(shopper_forget, sender=Customer, dispatch_uid="recommendations.access.customer_deleted")
        post_delete.connect(shopper_forget, sender=MerchantCustomer, dispatch_uid="recommendations.access.link_deleted")
        post_save.connect(product_forget, sender=Product, dispatch_uid="recommendations.access.product_saved")
        post_delete.connect(product_forget, sender=Product, dispatch_uid="recommendations.access.product_deleted")
