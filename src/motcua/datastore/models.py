"""The personal data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân; Decree 45/2020, RULES.md §6).

Per owner — the personal identification number or tax code the dossiers name — the documents accepted with
earlier dossiers and the results issued to them, each with its provenance (the dossier, the agency, the moment,
the file's content hash, its signature status) and its kind (``DocumentType``, shared across procedures) and
validity. A stored document *is* a dossier's file (``DossierDocument``): nothing is copied, the row only says that
the file now belongs to its owner's store.

The rows are a projection of the action log (``dossiers.wallet``): written in the transaction of the action that
accepts a dossier, receives a supplement or records a result, and rebuilt from the log by
``motcua rebuild-datastore``. The choice of a stored document for another dossier (``StoreUse``, with the
applicant's consent) is part of that dossier's opening action, so it is rebuilt the same way.

One kind of row has no dossier behind it: a **certified e-copy** (``source = ecopy``; bản sao điện tử được chứng
thực từ bản chính, RULES.md §6), made at the counter from an original the applicant showed, signed by the agency
in the worker (``ecopies``). Its file is its own (``file``), its provenance the agency, the officer who certified
it (``certified_by``) and the moment; it is the ``ecopies`` app's projection of its ``CertifiedCopy`` rows, not
the log's, so ``motcua rebuild-datastore`` leaves it alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.Model):
    """A kind of paper shared across procedures (``rules.document_kinds``), editable by the province.

    Seeded from ``rules.document_kinds.DEFAULT_KINDS``; the reform officer corrects the phrases a kind is
    recognised by, its validity, or — for a single requirement — the requirement's own ``document_type``.
    """

    slug = models.SlugField(_("mã loại giấy tờ"), max_length=80, unique=True)
    name = models.CharField(_("tên loại giấy tờ"), max_length=200)
    phrases = models.JSONField(
        _("cụm từ nhận biết"),
        default=list,
        blank=True,
        help_text=_("Viết không dấu, chữ thường; tên thành phần hồ sơ chứa trọn một cụm từ thì thuộc loại này."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("thời hạn sử dụng (tháng)"), null=True, blank=True, help_text=_("Để trống nếu không có thời hạn.")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự so khớp"), default=0)

    class Meta:
        verbose_name = _("loại giấy tờ dùng chung")
        verbose_name_plural = _("loại giấy tờ dùng chung")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class StoreSource(models.TextChoices):
    ACCEPTED = "accepted", _("Giấy tờ đã được tiếp nhận")
    RESULT = "result", _("Kết quả giải quyết")
    ECOPY = "ecopy", _("Bản sao điện tử được chứng thực từ bản chính")


class SignatureStatus(models.TextChoices):
    UNKNOWN = "", _("Chưa kiểm tra")
    VALID = "valid", _("Chữ ký số hợp lệ")
    INVALID = "invalid", _("Chữ ký số không hợp lệ")
    UNSIGNED = "unsigned", _("Không có chữ ký số")


class StoredDocument(models.Model):
    owner_number = models.CharField(_("số định danh / mã số thuế của chủ sở hữu"), max_length=20)
    #: the account that filed the dossier the document came from (its ``applicant_user``), if any
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại giấy tờ"), max_length=80, blank=True)  # a DocumentType slug, or "" for none
    name = models.TextField(_("tên giấy tờ"))
    source = models.CharField(_("nguồn"), max_length=10, choices=StoreSource.choices)
    #: the dossier and its file the document came from; both empty for a certified e-copy (``file`` instead)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    document = models.OneToOneField(
        "dossiers.DossierDocument", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # a certified e-copy's signed PDF and who certified it; database defaults, as the benches' raw-SQL loaders
    # write stored documents without them
    file = models.FileField(_("tệp"), max_length=300, blank=True, db_default="")
    certified_by = models.CharField(_("người chứng thực"), max_length=300, blank=True, db_default="")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("thời điểm đưa vào kho"))
    sha256 = models.CharField(max_length=64)
    signature_status = models.CharField(
        _("trạng thái chữ ký số"), max_length=10, choices=SignatureStatus.choices, blank=True, default=""
    )
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu điện tử")
        indexes = [
            # the offers for an applicant and a requirement: owner + kind, newest first
            models.Index(fields=["owner_number", "kind", "-entered_at"], name="store_owner_kind"),
            # the store of an account (GET /me/documents), newest first
            models.Index(fields=["owner_user", "-entered_at"], name="store_owner_user"),
        ]
        constraints = [
            # a row is a dossier's file, or a certified e-copy with a file of its own
            models.CheckConstraint(
                condition=models.Q(source="ecopy", document__isnull=True)
                | models.Q(~models.Q(source="ecopy"), document__isnull=False, dossier__isnull=False),
                name="store_file_or_ecopy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_number}: {self.name[:60]}"


class StoreUse(models.Model):
    """A stored document taken for a requirement of a dossier, with the applicant's consent."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="store_uses")
    required_document = models.ForeignKey("catalog.RequiredDocument", on_delete=models.PROTECT, related_name="+")
    stored_document = models.ForeignKey(StoredDocument, on_delete=models.PROTECT, related_name="uses")
    consented_at = models.DateTimeField(_("thời điểm đồng ý"))
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("ghi nhận bởi")
    )
    #: who consented: the applicant online, or the officer recording the applicant's consent at the counter
    consent_channel = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("giấy tờ lấy từ kho dữ liệu")
        verbose_name_plural = _("giấy tờ lấy từ kho dữ liệu")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "required_document"], name="store_use_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} ← {self.stored_document_id}"
