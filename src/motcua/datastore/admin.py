"""The province's document kinds (the reform officer edits them: Django's ``datastore.change_documenttype``
permission), and the store and its uses read-only: they are projections of the action log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.datastore.models import DocumentType, StoredDocument, StoreUse


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "validity_months", "position")
    list_editable = ("validity_months", "position")
    search_fields = ("name", "slug")
    ordering = ("position", "slug")


class ReadOnly(admin.ModelAdmin):
    """Rows written by the projection of the log only (``dossiers.wallet``; ``motcua rebuild-datastore``)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StoredDocument)
class StoredDocumentAdmin(ReadOnly):
    list_display = ("owner_number", "name", "kind", "source", "entered_at", "valid_until", "signature_status")
    list_filter = ("source", "kind", "signature_status")
    search_fields = ("=owner_number", "dossier__code")
    raw_id_fields = ("dossier", "document", "agency")
    show_full_result_count = False


@admin.register(StoreUse)
class StoreUseAdmin(ReadOnly):
    list_display = ("dossier", "required_document", "stored_document", "consented_at", "consent_channel")
    search_fields = ("=dossier__code",)
    raw_id_fields = ("dossier", "required_document", "stored_document", "consented_by")
    show_full_result_count = False
