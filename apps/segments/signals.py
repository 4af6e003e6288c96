"""New orders place their customer in the current segmentation (a Celery task after commit).

Only the signal lives here; the work is `customer_segment_assign`, run by the task. Orders
created in bulk (imports, the demo seeder) send no signal: the nightly run segments them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.orders.models import Order


@receiver(post_save, sender=Order, dispatch_uid="segments.order_saved")
def order_saved(sender, instance: Order, created: bool, update_fields=None, **kwargs) -> None:
    """A new order, or a status change (a cancelled order no longer counts as a purchase)."""
    if created or (update_fields and "status" in update_fields):
        from apps.segments.tasks import assign_customer_task

        customer_id, merchant_id = instance.customer_id, instance.merchant_id
        transaction.on_commit(lambda: assign_customer_task.delay(customer_id, merchant_id))
