from django.contrib import admin

from apps.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the audit log is evidence, so nobody edits it."""

    list_display = ("at", "actor", "action", "object_type", "object_id", "merchant", "source", "summary")
    list_filter = ("action", "source", "object_type", "merchant")
    search_fields = ("object_id", "summary", "actor__username")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
