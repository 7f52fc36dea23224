from django.contrib import admin

from accounts.admin import JournaledAdmin
from reference.models import Knot, LifeArea, Tangle


@admin.register(Tangle)
class TangleAdmin(JournaledAdmin):
    list_display = ["code", "name_en", "name_nb", "name_da"]


@admin.register(Knot)
class KnotAdmin(JournaledAdmin):
    list_display = ["code", "tangle", "name_en", "name_nb"]
    list_filter = ["tangle"]


@admin.register(LifeArea)
class LifeAreaAdmin(JournaledAdmin):
    list_display = ["slug", "tangle", "name_en", "name_nb", "position", "active"]
    list_filter = ["tangle", "active"]
