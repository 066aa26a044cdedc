"""Catalogue rows that dossiers refer to are retired, never deleted, so that a dossier's links to its past hold.

A required document, a channel, a fee, a process template or one of its steps that leaves the catalogue (a
newer import no longer lists it, an officer removes it in the admin) keeps its row and primary key and gets
``retired_at``; when a later file lists it again under the same natural key it is brought back, the same row.

Two managers make the difference invisible to the code that reads the *current* catalogue:

- ``objects``, the default manager, hides retired rows. Django builds related managers and prefetches from the
  default manager, so ``procedure.documents.all()``, ``offering.channels.all()``, ``offering.fees.all()``,
  ``offering.templates.all()``, ``template.steps.all()`` and ``prefetch_related(...)`` of them see current rows
  only; so do the admin, model forms and uniqueness checks.
- ``all_objects`` sees every row. A forward foreign key to a retired row (a dossier's document pointing at the
  required document it was received for) still resolves, because Django follows forward keys through the base
  manager, which is a plain manager here; code that looks a row up by id for a dossier's history (printing a
  receipt, say) uses ``all_objects``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CurrentManager(models.Manager):
    """Rows still in the catalogue (not retired)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(retired_at__isnull=True)


class EveryRowManager(models.Manager):
    """Every row, retired ones included: for a dossier's history, and for the loader."""


class Retirable(models.Model):
    retired_at = models.DateTimeField(
        _("ngừng áp dụng từ"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Đã bỏ khỏi danh mục; giữ lại để hồ sơ đã tiếp nhận vẫn tham chiếu được."),
    )

    objects = CurrentManager()  # first: the default manager
    all_objects = EveryRowManager()

    class Meta:
        abstract = True

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def retire(self) -> None:
        """Retire this row (saved); the admin's "delete" of a catalogue child row comes here."""
        if self.retired_at is None:
            self.retired_at = timezone.now()
            self.save(update_fields=["retired_at"])


#: The condition of the uniqueness constraints of retirable rows: only current rows must be unique, so that a
#: row added in the admin beside a retired one of the same key is allowed (the loader prefers current rows).
CURRENT = models.Q(retired_at__isnull=True)
