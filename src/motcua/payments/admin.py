"""Payments and the gateways' raw messages in the admin: read-only (every change goes through the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.payments.models import Payment, PaymentCallback


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("reference", "dossier", "provider", "state", "amount_vnd", "created_at", "settled_at")
    list_filter = ("provider", "state")
    search_fields = ("reference", "dossier__code", "provider_transaction", "receipt_number")
    raw_id_fields = ("dossier",)


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnly):
    list_display = ("received_at", "provider", "channel", "reference", "verdict", "changed_state")
    list_filter = ("provider", "channel", "verdict")
    search_fields = ("reference",)
