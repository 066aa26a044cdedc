"""``motcua load_demo``: the demo catalogue and one user per role. Running it twice is harmless."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from motcua.accounts.models import Membership, Role, User
from motcua.accounts.services import ensure_demo_totp_device
from motcua.catalog.interchange import CatalogLoadError, demo_catalog, load_catalog
from motcua.catalog.models import Agency
from motcua.dossiers.demo import create_demo_dossiers
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.reform.demo import create_demo_plan
from motcua.reform.figures import province_figures
from motcua.reform.models import ParCriterion
from motcua.reform.par import DEFAULT_TREE, read_tree_file
from motcua.reform.services import load_par_tree

DEFAULT_PASSWORD = "motcua-demo"

#: (username, full name, [(agency name, role)]) — agencies by name in the demo catalogue.
DEMO_USERS = [
    (
        "motcua-mc-xa",
        "Nguyễn Thị Lan (một cửa phường)",
        [("UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)", Role.COUNTER)],
    ),
    (
        "motcua-cv-xa",
        "Trần Văn Minh (công chức tư pháp - hộ tịch)",
        [("UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)", Role.SPECIALIST)],
    ),
    (
        "motcua-ld-xa",
        "Lê Văn Hùng (Chủ tịch UBND phường)",
        [("UBND phường Phan Đình Phùng (tỉnh Thái Nguyên)", Role.LEADER)],
    ),
    (
        "motcua-mc-tinh",
        "Phạm Thu Hà (Trung tâm PVHCC tỉnh)",
        [("Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên", Role.COUNTER)],
    ),
    ("motcua-cv-so", "Hoàng Đức Anh (chuyên viên Sở Tài chính)", [("Sở Tài chính tỉnh Thái Nguyên", Role.SPECIALIST)]),
    ("motcua-ld-so", "Vũ Thị Mai (lãnh đạo Sở Tài chính)", [("Sở Tài chính tỉnh Thái Nguyên", Role.LEADER)]),
    (
        "motcua-cv-vpdk",
        "Ngô Thị Thu (Văn phòng đăng ký đất đai)",
        [("Văn phòng Đăng ký đất đai (và các Chi nhánh) – tỉnh Thái Nguyên", Role.SPECIALIST)],
    ),
    ("motcua-cv-ca", "Dương Văn Sơn (Công an tỉnh)", [("Công an tỉnh Thái Nguyên", Role.SPECIALIST)]),
    ("motcua-cchc", "Đỗ Quang Huy (cải cách hành chính)", [("Văn phòng UBND tỉnh Thái Nguyên", Role.REFORM)]),
    ("motcua-giamsat", "Bùi Thanh Tâm (theo dõi, giám sát)", [("Văn phòng UBND tỉnh Thái Nguyên", Role.MONITOR)]),
    ("congdan", "Nguyễn Văn An (công dân)", []),
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: danh mục thủ tục của tỉnh Thái Nguyên và người dùng mẫu cho từng vai trò."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Cho phép chạy khi MOTCUA_DEBUG tắt.")
        parser.add_argument(
            "--dossiers", type=int, default=300, help="Số hồ sơ mẫu tạo khi chưa có hồ sơ nào (0: không tạo)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Dữ liệu mẫu chỉ dùng cho bản demo (MOTCUA_DEBUG=1); dùng --force nếu thật sự cần.")
        try:
            summary = load_catalog(demo_catalog())
        except CatalogLoadError as error:
            raise CommandError("Dữ liệu mẫu không hợp lệ:\n" + "\n".join(error.problems)) from error
        self.stdout.write(
            f"Danh mục mẫu: tạo mới {summary.total('created')}, cập nhật {summary.total('updated')}, "
            f"không đổi {summary.total('unchanged')}."
        )
        password = os.environ.get("MOTCUA_DEMO_PASSWORD", DEFAULT_PASSWORD)
        created = self._users(password)
        self.stdout.write(
            f"Người dùng mẫu: tạo mới {created} (mật khẩu: {password}; mã xác thực hai lớp của cán bộ và quản trị: "
            "motcua totp-code <tên đăng nhập>, khóa mẫu chỉ để chạy thử)."
        )
        if options["dossiers"] and Dossier.objects.exists():
            self.stdout.write(f"Đã có {Dossier.objects.count()} hồ sơ: không tạo thêm hồ sơ mẫu.")
        elif options["dossiers"]:
            count = options["dossiers"]
            bar = tqdm(total=count, desc="Hồ sơ mẫu", unit="hồ sơ", file=sys.stderr, disable=options["verbosity"] < 1)
            made = create_demo_dossiers(count, progress=lambda n: bar.update(n - bar.n))
            bar.close()
            summary = ", ".join(f"{DossierStatus(status).label}: {n}" for status, n in sorted(made.items()))
            self.stdout.write(f"Hồ sơ mẫu ({sum(made.values())}): {summary}.")
        # after the dossiers: implementing the plan ends the version it replaces, which no demo dossier then uses
        reformer = User.objects.get(username="motcua-cchc")
        plan = create_demo_plan(reformer)
        year = timezone.localdate().year
        if not ParCriterion.objects.filter(year=year).exists():
            count = load_par_tree(reformer, year, read_tree_file(DEFAULT_TREE.read_text(encoding="utf-8")))
            self.stdout.write(f"Bộ tiêu chí Chỉ số CCHC năm {year}: {count} tiêu chí (8 lĩnh vực cấp tỉnh).")
        figures = province_figures(plan_id=plan.pk)
        self.stdout.write(
            f"Phương án mẫu {plan.decision_number} ({plan.get_state_display()}): đơn giản hóa {figures.simplified}/"
            f"{figures.regulations} quy định ({figures.regulation_rate} %), chi phí tuân thủ "
            f"{figures.cost_before_vnd:,} → {figures.cost_after_vnd:,} đ/năm ({figures.cost_rate} %)."
        )

    @transaction.atomic
    def _users(self, password: str) -> int:
        created = 0
        admin, made = User.objects.get_or_create(
            username="admin", defaults={"full_name": "Quản trị hệ thống", "is_staff": True, "is_superuser": True}
        )
        if made:
            admin.set_password(password)
            admin.save()
            created += 1
        ensure_demo_totp_device(admin)  # the second factor, with the published demo key (README; never in production)
        for username, full_name, memberships in DEMO_USERS:
            catalogue_editor = any(role == Role.REFORM for _, role in memberships)
            user, made = User.objects.get_or_create(
                username=username, defaults={"full_name": full_name, "is_staff": catalogue_editor}
            )
            if made:
                user.set_password(password)
                user.save()
                if catalogue_editor:  # reform officers keep the catalogue, calendar, income figures, PAR tree,
                    # and the document kinds shared across procedures (the data store's, decision 44)
                    kinds = Q(content_type__app_label="datastore", content_type__model="documenttype")
                    user.user_permissions.set(
                        Permission.objects.filter(
                            Q(content_type__app_label__in=["catalog", "calendars", "reform"]) | kinds
                        )
                    )
                created += 1
            for agency_name, role in memberships:
                agency = Agency.objects.get(name=agency_name)
                Membership.objects.get_or_create(user=user, agency=agency, role=role)
            if memberships:
                ensure_demo_totp_device(user)
        return created
