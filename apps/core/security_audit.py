"""Every change made in the Django admin also lands in the AuditLog (source "admin").

The admin writes its own LogEntry for each add, change and delete; copying it here puts admin
edits in the same trail as portal, API and command changes, the one admins read and export.

Single changes arrive by LogEntry's post_save; the admin's bulk "delete selected" writes its
entries with bulk_create (no signals), so `install` wraps LogEntryManager.log_actions to copy those.
"""
from __future__ import annotations

import functools

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry, LogEntryManager
from django.db.models.signals import post_save

from apps.core.models import AuditLog

ACTIONS = {ADDITION: AuditLog.Action.CREATE, CHANGE: AuditLog.Action.UPDATE, DELETION: AuditLog.Action.DELETE}


def _copy(instance: LogEntry) -> None:
    model = instance.content_type.model_class() if instance.content_type_id else None
    change = instance.get_change_message()
    AuditLog.objects.create(
        actor_id=instance.user_id,
        action=ACTIONS.get(instance.action_flag, AuditLog.Action.ACTION),
        object_type=model._meta.label if model else "unknown",
        object_id=str(instance.object_id or "")[:64],
        summary=f"{instance.object_repr}: {change}"[:255] if change else instance.object_repr[:255],
        source="admin",
    )


def _on_log_entry_saved(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if created:
        _copy(instance)


def install() -> None:
    """Connect the copy (called once from AccountsConfig.ready)."""
    post_save.connect(_on_log_entry_saved, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
    original = LogEntryManager.log_actions
    if getattr(original, "_copies_to_audit_log", False):
        return

    @functools.wraps(original)
    def log_actions(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if isinstance(result, list):  # bulk_create: no post_save was sent
            for entry in result:
                _copy(entry)
        return result

    log_actions._copies_to_audit_log = True
    LogEntryManager.log_actions = log_actions
