from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Thông tin liên hệ"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_staff")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name")
    autocomplete_fields = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at")
    search_fields = ("name", "user__username")
    readonly_fields = ("prefix", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False  # created with `motcua create_api_token`, which shows the token once
