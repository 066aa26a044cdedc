"""A certified e-copy (chứng thực bản sao điện tử từ bản chính; RULES.md §6, Decision 766 indicator 4.3).

At the counter an officer scans the original the applicant presents, says what it is and whose, and certifies that
the scan matches it; the row is written then (``status = pending``) with the scan, and the agency's certificate
signs it later, in the worker (``destination``). Signed, the copy enters the applicant's data store
(``datastore.StoredDocument``, ``source = ecopy``) and is offered for later dossiers needing its kind.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CopyStatus(models.TextChoices):
    PENDING = "pending", _("Đang ký số")
    SIGNED = "signed", _("Đã ký số, đã đưa vào kho dữ liệu")
    FAILED = "failed", _("Không ký được")


class CertifiedCopy(models.Model):
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan"))
    #: the catalogue's certification procedure the copy is counted under (766 indicator 4.3 by procedure)
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người chứng thực")
    )
    officer_name = models.CharField(_("tên người chứng thực"), max_length=300)
    owner_number = models.CharField(_("số định danh / mã số thuế của người yêu cầu"), max_length=20)
    owner_name = models.CharField(_("họ tên / tên tổ chức"), max_length=300)
    kind = models.CharField(_("loại giấy tờ"), max_length=80)  # a datastore.DocumentType slug
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    scan = models.FileField(_("bản quét"), max_length=300)
    scan_content_type = models.CharField(max_length=50)
    scan_sha256 = models.CharField(max_length=64)
    requested_at = models.DateTimeField(_("thời điểm chứng thực"))  # the officer's confirmation
    idempotency_key = models.CharField(max_length=100, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=CopyStatus.choices, default=CopyStatus.PENDING, db_index=True
    )
    failure = models.TextField(_("lý do không ký được"), blank=True)
    signed = models.OneToOneField(
        "signatures.SignedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="certified_copy"
    )
    stored = models.OneToOneField(
        "datastore.StoredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="certified_copy"
    )

    class Meta:
        verbose_name = _("bản sao điện tử được chứng thực")
        verbose_name_plural = _("bản sao điện tử được chứng thực")
        indexes = [models.Index(fields=["agency", "-requested_at"], name="ecopy_agency_recent")]

    def __str__(self) -> str:
        return f"{self.owner_number}: {self.name[:60]}"

    @property
    def outbox_key(self) -> str:
        return f"ecopy:{self.pk}"
