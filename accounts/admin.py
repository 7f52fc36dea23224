from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "municipality", "security_level"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "municipality"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency__kind", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Overgang"), {"fields": ("role", "agency")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Overgang"), {"fields": ("role", "agency")}))
