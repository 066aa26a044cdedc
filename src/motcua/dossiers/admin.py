"""The admin of the dossiers app: the code sequences, to look at only.

A code-sequence row is the last number given at an agency on a day (decision 5). Deleting or lowering it
would make the next intake there reuse a code, and every intake of that day fail; raising it leaves a gap
in numbers that must be gap-free. Nobody, a superuser included, adds, changes or deletes one here.
"""

from datetime import date
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import DossierCodeSequence


class DayFilter(admin.DateFieldListFilter):
    """Django's date filter, titled in Vietnamese (the model's field has no Vietnamese name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("ngày")


@admin.register(DossierCodeSequence)
class DossierCodeSequenceAdmin(admin.ModelAdmin):
    # the model's fields carry no Vietnamese names: the admin gives them theirs
    list_display = ("agency_name", "day_shown", "last_number")
    list_filter = (("day", DayFilter),)
    fields = readonly_fields = ("agency_name", "day_shown", "last_number")
    actions = None  # not even "delete selected"

    @admin.display(description=_("cơ quan"), ordering="agency__name")
    def agency_name(self, sequence: DossierCodeSequence) -> str:
        return str(sequence.agency)

    @admin.display(description=_("ngày"), ordering="day")
    def day_shown(self, sequence: DossierCodeSequence) -> date:
        return sequence.day

    @admin.display(description=_("số thứ tự đã cấp gần nhất"), ordering="last_value")
    def last_number(self, sequence: DossierCodeSequence) -> int:
        return sequence.last_value

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DossierCodeSequence | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DossierCodeSequence | None = None) -> bool:
        return False
