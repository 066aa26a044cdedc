"""The outbox in the admin: every message with its delivery state; dead ones are re-driven from here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks_db.models import DBTaskResult

from motcua.integrations.models import OutboxMessage, OutboxState
from motcua.integrations.services import redrive

# The task rows are plumbing (reminders to deliver, whose truth is the outbox row) and their admin is in
# English; the outbox below is what administrators read.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "idempotency_key",
        "destination",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "short_error",
    )
    list_filter = ("state", "destination", "event")
    search_fields = ("idempotency_key", "ordering_key")
    date_hierarchy = "created_at"
    actions = ["redrive_selected"]
    list_select_related = False
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: OutboxMessage | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("lỗi gần nhất"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    @admin.action(description=gettext_lazy("Gửi lại các thông điệp gửi không thành công đã chọn"))
    def redrive_selected(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        dead = list(queryset.filter(state=OutboxState.DEAD).values_list("pk", flat=True))
        count = redrive(dead)
        skipped = queryset.count() - count
        if count:
            self.message_user(
                request,
                ngettext(
                    "Đã đưa %(n)d thông điệp vào hàng gửi lại.", "Đã đưa %(n)d thông điệp vào hàng gửi lại.", count
                )
                % {"n": count},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("%(n)d thông điệp không ở trạng thái “Gửi không thành công” nên không được gửi lại.")
                % {"n": skipped},
                messages.WARNING,
            )
        for obj in OutboxMessage.objects.filter(pk__in=dead):
            self.log_change(request, obj, _("Gửi lại thông điệp"))
