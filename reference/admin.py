from django.contrib import admin

from reference.models import Knot, LifeArea, Tangle


@admin.register(Tangle)
class TangleAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_nb", "name_da"]


@admin.register(Knot)
class KnotAdmin(admin.ModelAdmin):
    list_display = ["code", "tangle", "name_en", "name_nb"]
    list_filter = ["tangle"]


@admin.register(LifeArea)
class LifeAreaAdmin(admin.ModelAdmin):
    list_display = ["slug", "tangle", "name_en", "name_nb", "position", "active"]
    list_filter = ["tangle", "active"]
