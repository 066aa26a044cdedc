from django.contrib import admin

from motcua.dossiers.models import DossierCodeSequence


@admin.register(DossierCodeSequence)
class DossierCodeSequenceAdmin(admin.ModelAdmin):
    list_display = ("agency", "day", "last_value")
    list_filter = ("day",)
    readonly_fields = ("agency", "day", "last_value")

    def has_add_permission(self, request: object) -> bool:
        return False
