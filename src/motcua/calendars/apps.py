from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "motcua.calendars"
    label = "calendars"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from motcua.calendars.models import CalendarOverride
        from motcua.calendars.selectors import forget_work_calendar

        post_save.connect(forget_work_calendar, sender=CalendarOverride, dispatch_uid="calendar_override_saved")
        post_delete.connect(forget_work_calendar, sender=CalendarOverride, dispatch_uid="calendar_override_deleted")
