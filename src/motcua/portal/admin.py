from django.contrib import admin

from motcua.portal.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """The applicants' evaluations, read only: written once by the applicant (``portal.services.rate_dossier``)."""

    list_display = ("dossier", "total", "satisfaction", "rated_at")
    list_filter = ("satisfaction",)
    search_fields = ("dossier__code",)
    raw_id_fields = ("dossier", "user")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
