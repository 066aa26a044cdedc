from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import Membership, User
from motcua.accounts.second_factor import DEMO_TOTP_KEY
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import mismatched_dossiers
from motcua.web.management.commands.load_demo import DEMO_USERS


@pytest.mark.django_db
def test_home_links_to_the_catalogue_admin_and_api_docs(client: Client) -> None:
    page = client.get("/").content.decode()
    assert 'lang="vi"' in page
    for link in ('href="/procedures/"', 'href="/admin/"', 'href="/api/v1/docs"'):
        assert link in page
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.usefixtures("demo_catalog")
def test_procedure_list_searches_without_diacritics(client: Client) -> None:
    page = client.get("/procedures/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in page
    assert "Thủ tục đăng ký kết hôn" not in page
    district = client.get("/procedures/", {"level": "district"}).content.decode()
    assert "7 thủ tục" in district


@pytest.mark.usefixtures("demo_catalog")
def test_procedure_page(client: Client) -> None:
    page = client.get("/procedures/1.001193/").content.decode()
    assert "Giấy chứng sinh" in page
    assert "UBND phường Phan Đình Phùng" in page
    assert "trong ngày" in page
    missing = client.get("/procedures/9.999999/")
    assert missing.status_code == 404


@pytest.mark.usefixtures("demo_catalog")
def test_procedure_page_says_shared_terms_once_and_follows_a_catalogue_change(client: Client) -> None:
    """Offerings with the same terms are one section listing their agencies (the page of a procedure every
    commune offers was a hundred copies of the same terms); an edit of the catalogue shows at once."""
    from motcua.catalog.models import Fee, Offering

    offerings = list(Offering.objects.filter(procedure__code="2.001035", active=True).select_related("agency"))
    assert len(offerings) >= 2
    page = client.get("/procedures/2.001035/").content.decode()
    sections = page.count('class="offering"')
    assert sections < len(offerings)
    for offering in offerings:
        assert offering.agency.name in page
    # one offering's fee changes: its terms differ from the others', so it gets a section of its own
    Fee.objects.create(offering=offerings[0], kind="fee", name="Lệ phí thử nghiệm", amount_vnd=12345)
    changed = client.get("/procedures/2.001035/").content.decode()
    assert "Lệ phí thử nghiệm" in changed
    assert changed.count('class="offering"') == sections + 1


@pytest.mark.django_db
def test_load_demo_twice_is_harmless() -> None:
    out = StringIO()
    call_command("load_demo", force=True, dossiers=40, verbosity=0, stdout=out)  # tests run with DEBUG off
    call_command("load_demo", force=True, dossiers=40, verbosity=0, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[2].startswith("Hồ sơ mẫu (")
    assert lines[3].startswith("Bộ tiêu chí Chỉ số CCHC năm ")
    assert lines[4].startswith("Phương án mẫu 999/QĐ-UBND (mẫu) (Đã thực thi)")
    # the second load of the file brings back in force the one version the demo plan ended (2.001583: the
    # file knows nothing of the plan); the plan, already there, ends it again
    assert "tạo mới 0, cập nhật 1, không đổi" in lines[5]
    assert lines[7].startswith("Đã có ")
    assert lines[8] == lines[4]
    assert len(lines) == 9
    assert Procedure.objects.get(code="2.001583").valid_to is not None
    # the admin and every demo officer have the demo second factor, once (README); the citizen none
    demo_devices = TOTPDevice.objects.filter(key=DEMO_TOTP_KEY)
    assert sorted(demo_devices.values_list("user__username", flat=True)) == sorted(
        ["admin", *(name for name, _, memberships in DEMO_USERS if memberships)]
    )
    assert demo_devices.count() == len(DEMO_USERS)  # all but the citizen, plus the admin
    assert Dossier.objects.filter(status="returned").exists()
    assert mismatched_dossiers() == []
    assert Procedure.objects.count() == 38 + 1  # the demo plan's new version
    assert Procedure.objects.filter(simplified_from__isnull=False).count() == 1
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"counter", "specialist", "leader", "reform", "monitor"}
    assert User.objects.filter(username="congdan", memberships__isnull=True).exists()
