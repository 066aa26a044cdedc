"""Signed documents: a result (or a certified e-copy) that motcua issued, with its signature summary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedKind(models.TextChoices):
    RESULT = "result", _("Kết quả giải quyết")
    ECOPY = "ecopy", _("Bản sao điện tử được chứng thực")


class SignedDocument(models.Model):
    """The signature summary of one signed PDF that motcua stored (the file itself is ``document``).

    ``source_key`` is what caused the signing (the outbox key of the approval): one signed document per cause,
    so a signing tried again after a crash records once. A certified e-copy (``ecopies``) belongs to no dossier:
    ``dossier`` and ``document`` are empty and its ``ecopies.CertifiedCopy`` points here.
    """

    kind = models.CharField(_("loại"), max_length=10, choices=SignedKind.choices, default=SignedKind.RESULT)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="signed_documents",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
    )
    document = models.OneToOneField(
        "dossiers.DossierDocument",
        on_delete=models.PROTECT,
        related_name="signature",
        verbose_name=_("tệp"),
        null=True,
        blank=True,
    )
    source_key = models.CharField(_("khóa nguồn"), max_length=200, unique=True)
    signer = models.CharField(_("chủ thể chứng thư số"), max_length=300)  # the certificate's common name
    signed_by = models.CharField(_("người ký"), max_length=300, blank=True)  # the official named in the stamp
    certificate_fingerprint = models.CharField(_("vân tay chứng thư (SHA-256)"), max_length=95)
    signed_at = models.DateTimeField(_("thời điểm ký (dấu thời gian)"))
    validation_status = models.CharField(_("kết quả kiểm tra"), max_length=12)
    signature_digest = models.CharField(_("mã băm chữ ký"), max_length=64, db_index=True)
    signer_plugin = models.CharField(_("cách ký"), max_length=50)
    embedded_validation_data = models.BooleanField(_("có dữ liệu kiểm tra (B-LT)"), default=False)
    created_at = models.DateTimeField(_("thời điểm lưu"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.dossier_id or self.kind}: {self.signer} {self.signed_at:%Y-%m-%d %H:%M}"
