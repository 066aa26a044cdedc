"""The admin of the dossiers app: the code sequences, to look at only.

A code-sequence row is the last number given at an agency on a day (decision 5). Deleting or lowering it
would make the next intake there reuse a code, and every intake of that day fail; raising it leaves a gap
in numbers that must be gap-free. Nobody, a superuser included, adds, changes or deletes one here.
"""

from django.contrib import admin
from django.http import HttpRequest

from motcua.dossiers.models import DossierCodeSequence


@admin.register(DossierCodeSequence)
class DossierCodeSequenceAdmin(admin.ModelAdmin):
    list_display = ("agency", "day", "last_value")
    list_filter = ("day",)
    readonly_fields = ("agency", "day", "last_value")
    actions = None  # not even "delete selected"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DossierCodeSequence | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DossierCodeSequence | None = None) -> bool:
        return False
