from django.contrib import admin

from motcua.calendars.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "reason")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("reason",)
