"""Drop cached token lookups when a token or its owner changes (revocation, scopes, role, active)."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts import token_cache
from apps.accounts.models import ApiToken, User


@receiver(post_save, sender=ApiToken)
@receiver(post_delete, sender=ApiToken)
@receiver(post_delete, sender=User)
def token_changed(sender, **kwargs) -> None:
    token_cache.invalidate()


@receiver(post_save, sender=User)
def user_changed(sender, update_fields=None, **kwargs) -> None:
    # Every sign-in saves last_login: that changes nothing a token lookup returns.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    token_cache.invalidate()
