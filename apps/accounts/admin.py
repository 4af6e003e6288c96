from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "email", "first_name", "last_name")
    fieldsets = BaseUserAdmin.fieldsets + (("ShopSignal", {"fields": ("role",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("ShopSignal", {"fields": ("role",)}),)
    actions = ["unlock_sign_in"]

    @admin.action(description="Unlock sign-in (clear failed attempts)")
    def unlock_sign_in(self, request, queryset):
        """Lift a django-axes lockout early, e.g. once the user has a new password; logged like any change."""
        cleared = 0
        for user in queryset:
            cleared += axes_reset(username=user.get_username())
            self.log_change(request, user, "Unlocked sign-in (cleared failed attempts).")
        self.message_user(request, f"Cleared {cleared} lockout record(s).", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("key_prefix", "user", "name", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "key_prefix")
    readonly_fields = ("key_hash", "key_prefix", "created_at", "last_used_at")
    raw_id_fields = ("user",)
    actions = ["revoke"]

    @admin.action(description="Revoke (refused at once, in every process)")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            self.log_change(request, token, "Revoked.")
