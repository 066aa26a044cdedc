"""Dossiers, their append-only action log, the control sheet and the documents.

The ``Dossier`` row keeps the current state (status, step, due moments) so that queues and reports are
indexed queries; every field of that state is a projection of the ``DossierAction`` log through
``rules.lifecycle.apply`` and can be rebuilt from it (``motcua rebuild_dossiers``). What the dossier was
received under — its process, the documents and fees of the catalogue as they were at intake — is a
``DossierTerms`` row, shared by every dossier received under the same terms and never changed, so that no
later catalogue change rewrites a dossier's history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel
from motcua.rules.lifecycle import NATIONAL_STATUS_CODE, ActionType, DossierState, Outcome, Regime, Status
from motcua.rules.roles import Role


class DossierStatus(models.TextChoices):
    """RULES.md §4 (TrangThaiHoSo); labels as the portal shows them."""

    SUBMITTED = Status.SUBMITTED.value, _("Mới đăng ký")
    RECEIVED = Status.RECEIVED.value, _("Được tiếp nhận")
    REFUSED = Status.REFUSED.value, _("Không được tiếp nhận")
    PROCESSING = Status.PROCESSING.value, _("Đang xử lý")
    AWAITING_SUPPLEMENT = Status.AWAITING_SUPPLEMENT.value, _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = Status.AWAITING_PAYMENT.value, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = Status.WITHDRAWN.value, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = Status.STOPPED.value, _("Dừng xử lý")
    RESULT_READY = Status.RESULT_READY.value, _("Đã xử lý xong")
    RETURNED = Status.RETURNED.value, _("Đã trả kết quả")


class ActionKind(models.TextChoices):
    SUBMIT = ActionType.SUBMIT.value, _("Đăng ký hồ sơ (chưa tiếp nhận)")
    RECEIVE = ActionType.RECEIVE.value, _("Tiếp nhận hồ sơ")
    ACCEPT = ActionType.ACCEPT.value, _("Tiếp nhận hồ sơ đã đăng ký")
    REFUSE = ActionType.REFUSE.value, _("Từ chối tiếp nhận")
    REQUEST_SUPPLEMENT = ActionType.REQUEST_SUPPLEMENT.value, _("Yêu cầu bổ sung, hoàn thiện hồ sơ")
    SUPPLEMENT = ActionType.SUPPLEMENT.value, _("Nhận hồ sơ bổ sung")
    FORWARD = ActionType.FORWARD.value, _("Chuyển bước xử lý")
    TRANSFER_TO_AGENCY = ActionType.TRANSFER_TO_AGENCY.value, _("Chuyển liên thông")
    AGENCY_ANSWER = ActionType.AGENCY_ANSWER.value, _("Cơ quan phối hợp trả kết quả liên thông")
    SEND_BACK = ActionType.SEND_BACK.value, _("Trả lại bước trước")
    APPROVE = ActionType.APPROVE.value, _("Phê duyệt")
    RECORD_RESULT = ActionType.RECORD_RESULT.value, _("Cập nhật kết quả giải quyết")
    MARK_RESULT_READY = ActionType.MARK_RESULT_READY.value, _("Có kết quả")
    RETURN_RESULT = ActionType.RETURN_RESULT.value, _("Trả kết quả")
    WITHDRAW = ActionType.WITHDRAW.value, _("Rút hồ sơ theo yêu cầu")
    STOP = ActionType.STOP.value, _("Dừng xử lý")
    APOLOGISE = ActionType.APOLOGISE.value, _("Xin lỗi và hẹn lại")
    REQUEST_PAYMENT = ActionType.REQUEST_PAYMENT.value, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    RECORD_PAYMENT = ActionType.RECORD_PAYMENT.value, _("Thu phí, lệ phí")
    RESCHEDULE = ActionType.RESCHEDULE.value, _("Tính lại thời hạn theo lịch làm việc mới")


class OutcomeChoice(models.TextChoices):
    EARLY = Outcome.EARLY.value, _("Trước hạn")
    ON_TIME = Outcome.ON_TIME.value, _("Đúng hạn")
    LATE = Outcome.LATE.value, _("Quá hạn")


class ApplicantType(models.TextChoices):
    """``LoaiDoiTuong`` of the national portal (RULES.md §4, [V])."""

    CITIZEN = "citizen", _("Công dân")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    STATE_AGENCY = "state_agency", _("Cơ quan nhà nước")
    OTHER = "other", _("Tổ chức khác")


APPLICANT_NATIONAL_CODE = {"citizen": 1, "enterprise": 2, "state_agency": 3, "other": 4}


class RegimeChoice(models.TextChoices):
    DECREE_61_2018 = Regime.DECREE_61_2018.value, _("Nghị định 61/2018/NĐ-CP")
    DECREE_118_2025 = Regime.DECREE_118_2025.value, _("Nghị định 118/2025/NĐ-CP")


class DossierTerms(models.Model):
    """What dossiers were received under: the process (steps, agencies, allotted times), the required
    documents and the fees of the catalogue at intake, and the procedure's name then.

    Content-addressed (``sha256`` of the canonical JSON): the thousands of dossiers received under the same
    terms share one row, which keeps the dossier table narrow, and the row never changes, so each process
    may keep it in memory once read (``dossiers.plans``).
    """

    sha256 = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("điều kiện tiếp nhận hồ sơ")
        verbose_name_plural = _("điều kiện tiếp nhận hồ sơ")

    def __str__(self) -> str:
        return self.sha256[:12]


_TERMS_CACHE: dict[int, dict[str, Any]] = {}
_TERMS_CACHE_SIZE = 10_000


def remember_terms(terms_id: int, data: dict[str, Any]) -> None:
    """Keep a terms row's data in this process once its transaction has committed.

    A committed row never changes and its id is never given to another row; a row written or read inside
    a transaction that rolls back may see its id handed out again (SQLite does), so nothing is kept until
    the commit (``on_commit`` runs at once outside a transaction, and never after a rollback).
    """

    def keep() -> None:
        if len(_TERMS_CACHE) >= _TERMS_CACHE_SIZE:
            _TERMS_CACHE.clear()
        _TERMS_CACHE[terms_id] = data

    transaction.on_commit(keep)


def forget_terms() -> None:
    _TERMS_CACHE.clear()


def terms_data(terms_id: int) -> dict[str, Any]:
    """The data of a ``DossierTerms`` row, read once per process (shared: never mutate what this returns)."""
    data = _TERMS_CACHE.get(terms_id)
    if data is None:
        data = DossierTerms.objects.values_list("data", flat=True).get(pk=terms_id)
        remember_terms(terms_id, data)
    return data


class ResultDelivery(models.TextChoices):
    """How the applicant receives the result (Decree 42/2022 Art. 11: online, or by public post for a fully
    online service; or at the desk)."""

    COUNTER = "counter", _("Nhận trực tiếp tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Nhận bản điện tử trực tuyến")


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    offering = models.ForeignKey("catalog.Offering", on_delete=models.PROTECT, related_name="dossiers")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers")
    resolving_agency = models.ForeignKey(
        "catalog.Agency",
        on_delete=models.PROTECT,
        related_name="resolved_dossiers",
        verbose_name=_("cơ quan giải quyết"),
    )
    receiving_agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.PROTECT, related_name="received_dossiers", verbose_name=_("nơi tiếp nhận")
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    regime = models.CharField(_("chế độ"), max_length=4, choices=RegimeChoice.choices)
    subject = models.CharField(_("trích yếu"), max_length=500, blank=True)

    applicant_type = models.CharField(_("loại đối tượng"), max_length=20, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=200)
    applicant_id_number = models.CharField(_("số giấy tờ"), max_length=20)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    #: how the applicant asked to receive the result (chosen when filing online; blank at the counter)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=ResultDelivery.choices,
        blank=True,
        default="",
        db_default="",
    )
    #: filed online by its applicant's own account, whose identity an identity provider (VNeID) vouched for
    #: at sign-in and whose personal identification number is the applicant's (RULES §6, §10)
    applicant_identity_verified = models.BooleanField(
        _("tài khoản đã xác thực định danh"), default=False, db_default=False
    )
    search_text = models.CharField(max_length=300, editable=False, default="")

    # the process, documents and fees as they were at intake (dossiers.plans)
    terms = models.ForeignKey(DossierTerms, on_delete=models.PROTECT, related_name="+", editable=False)

    # --- projection of the action log (rules.lifecycle.DossierState) ---
    status = models.CharField(_("trạng thái"), max_length=30, choices=DossierStatus.choices)
    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    current_position = models.PositiveSmallIntegerField(null=True, blank=True)
    current_agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đang ở")
    )
    current_role = models.CharField(max_length=20, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    resume_status = models.CharField(max_length=30, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    approved = models.BooleanField(default=False)
    result_recorded = models.BooleanField(default=False)
    apologised = models.BooleanField(default=False)
    finished_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    outcome = models.CharField(_("kết quả về thời hạn"), max_length=10, choices=OutcomeChoice.choices, blank=True)
    last_action_at = models.DateTimeField(null=True, blank=True)
    action_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)

    #: Not a column: the state a service has just projected onto this instance (``services.project``), so
    #: that the answer to the request that wrote it need not read the control sheet back.
    written_state: DossierState | None = None

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            # the officer's queue: dossiers at a step of my agency and role, in the order the workbench
            # shows them (current_agency is cleared when a dossier ends, so no status is needed)
            models.Index(fields=["current_agency", "current_role", "due_at", "id"], name="dossier_queue"),
            # the newest dossiers of an agency or an applicant (API list, one branch each: see selectors)
            models.Index(fields=["resolving_agency", "id"], name="dossier_resolver"),
            models.Index(fields=["receiving_agency", "id"], name="dossier_desk"),
            models.Index(fields=["applicant_user", "id"], name="dossier_applicant"),
            models.Index(fields=["received_at", "id"], name="dossier_received"),
            # reports by agency and status
            models.Index(fields=["resolving_agency", "status", "due_at"], name="dossier_resolver_status"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def plan(self) -> dict[str, Any]:
        """The process snapshotted at intake (steps, processing time, desk and resolver)."""
        return self.terms_data["plan"]

    @property
    def terms_data(self) -> dict[str, Any]:
        """What the dossier was received under: the related row when it is loaded, else the process's copy."""
        loaded = self._state.fields_cache.get("terms")
        return loaded.data if loaded is not None else terms_data(self.terms_id)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.written_state = None  # what is read now may be newer
        super().refresh_from_db(*args, **kwargs)

    @property
    def national_status(self) -> int:
        return NATIONAL_STATUS_CODE[Status(self.status)]

    @property
    def applicant_initials(self) -> str:
        """What the public tracking page may show of the applicant: initials only."""
        return ".".join(part[0].upper() for part in self.applicant_name.split() if part) + "."


class AppendOnlyQuerySet(models.QuerySet):
    """Actions are never updated or deleted (DESIGN.md principle 2)."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("the action log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("the action log is append-only")


class DossierAction(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="actions")
    seq = models.PositiveIntegerField()
    type = models.CharField(_("thao tác"), max_length=30, choices=ActionKind.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_role = models.CharField(_("vai trò"), max_length=20)
    # for the system actor: which callback or job acted (e.g. "scheduler", "payment:vnpay")
    system_actor = models.CharField(max_length=40, blank=True)
    actor_agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    step_position = models.PositiveSmallIntegerField(null=True)
    note = models.TextField(_("ghi chú, lý do"), blank=True)
    payload = models.JSONField(default=dict)
    # the moments the action computed from the working calendar (rules.lifecycle.Facts): a fold uses them
    facts = models.JSONField(default=dict)
    # rules.audit.link of the previous action's chain_hash and this action's content (tamper evidence)
    chain_hash = models.CharField(max_length=64, editable=False, default="", db_default="")  # raw-SQL loaders

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("thao tác trên hồ sơ")
        verbose_name_plural = _("nhật ký thao tác")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_action_seq_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the action log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the action log is append-only")

    @property
    def is_system(self) -> bool:
        return self.actor_role == Role.SYSTEM


class DossierStep(models.Model):
    """A row of the control sheet (phiếu kiểm soát): one passage through one step of the process."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField()
    name = models.TextField()
    role = models.CharField(max_length=20)
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True)
    outcome = models.CharField(max_length=10, choices=OutcomeChoice.choices, blank=True)
    ended_by = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("phiếu kiểm soát")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_step_seq_unique")]
        # the dossiers that passed through an agency, newest first (visibility of coordinating agencies)
        indexes = [models.Index(fields=["agency", "dossier"], name="dossier_step_agency")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.seq}. {self.name}"


class DocumentKind(models.TextChoices):
    SUBMITTED = "submitted", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")


class DossierDocument(models.Model):
    """A file of a dossier, kept through Django's storage API under a generated name."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("loại"), max_length=20, choices=DocumentKind.choices)
    # protected: a catalogue import retires a document it no longer lists, it never deletes one a dossier holds
    required_document = models.ForeignKey(
        "catalog.RequiredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.TextField(_("tên giấy tờ"))  # the catalogue's name, whole (portal texts run to 6,779 characters)
    original_filename = models.CharField(max_length=255)
    file = models.FileField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class IdempotencyRecord(models.Model):
    """The first answer to a request made with an idempotency key: replays get it back (``dossiers.idempotency``).

    Claimed at the start of the request's transaction (``status_code`` 0 until the answer is written in the
    same transaction), so a concurrent duplicate waits on the unique key and then reads the first answer.
    """

    key = models.CharField(max_length=100)
    # None: the system actor (a callback or a job, whose keys are its own references)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique"),
            models.UniqueConstraint(fields=["key"], condition=models.Q(user__isnull=True), name="idempotency_system"),
        ]

    def __str__(self) -> str:
        return self.key


class DossierCodeSequence(models.Model):
    """Last sequence number given to an agency on a day; incremented by one atomic statement."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("số thứ tự mã hồ sơ")
        verbose_name_plural = _("số thứ tự mã hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_value}"


class AuditSeal(models.Model):
    """A day's seal over the actions appended since the previous seal (``rules.audit.seal``).

    The seals form their own chain (``previous`` is the seal before); their heads are exported
    (``motcua audit-seals --export``) and kept outside the database, where SQL cannot reach them.
    A seal covers the actions by primary key (``after_id`` < id ≤ ``last_id``), the order they were
    appended in, so an action slipped in later with an old moment or an old id is found too.
    """

    day = models.DateField(_("ngày niêm phong"), unique=True)
    after_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    actions = models.PositiveIntegerField()
    dossiers = models.PositiveIntegerField()
    previous = models.CharField(max_length=64)
    head = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("niêm phong nhật ký")
        verbose_name_plural = _("niêm phong nhật ký")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.head}"
