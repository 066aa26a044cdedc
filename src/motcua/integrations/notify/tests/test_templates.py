"""Templates: rendered in a sandbox, a broken one falls back to the default and says so, the admin edits them."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.services import perform
from motcua.integrations.notify.context import VARIABLES, sample_context
from motcua.integrations.notify.defaults import BY_CHANNEL
from motcua.integrations.notify.models import NotificationTemplate
from motcua.integrations.notify.templates import TemplateProblem, render_notice, render_text
from motcua.integrations.notify.tests.conftest import MISSING, last_row, receive
from motcua.rules.lifecycle import ActionType
from motcua.rules.notices import Notice


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{% load static %}{% static 'x' %}", "Lỗi cú pháp mẫu"),  # no tag library
        ("{% include 'web/base.html' %}", "không được dùng thẻ này: IncludeNode"),
        ("{% debug %}", "không được dùng thẻ này: DebugNode"),
        ("{% url 'web:home' %}", "không được dùng thẻ này: URLNode"),
        ("{{ settings.SECRET_KEY }}", "Mẫu dùng biến không có: settings.SECRET_KEY"),
        ("{{ cod }}", "Mẫu dùng biến không có: cod"),
        ("{% if %}", "Lỗi cú pháp mẫu"),
        ("{{ code|secret_filter }}", "Lỗi cú pháp mẫu"),
    ],
)
def test_a_template_reaches_only_its_context(source: str, problem: str) -> None:
    with pytest.raises(TemplateProblem, match=problem):
        render_text(source, sample_context())


def test_every_default_renders_with_every_variable_known() -> None:
    assert set(sample_context()) == set(VARIABLES)
    for channel, texts in BY_CHANNEL.items():
        assert set(texts) == set(Notice), channel
        for notice, text in texts.items():
            assert render_text(text.body, sample_context()), (channel, notice)
            render_text(text.subject, sample_context())


@pytest.mark.django_db
def test_a_broken_template_falls_back_to_the_default_and_says_so() -> None:
    NotificationTemplate.objects.filter(notice="received", channel="email").update(body="{{ appointmnet }}")
    rendered = render_notice(Notice.RECEIVED, "email", sample_context())
    assert rendered.source == "default"
    assert "Ngày hẹn trả kết quả: 16:30 ngày 03/12/2026" in rendered.body
    assert "Mẫu dùng biến không có: appointmnet" in rendered.problem
    NotificationTemplate.objects.filter(notice="received", channel="email").update(active=False)
    assert render_notice(Notice.RECEIVED, "email", sample_context()).problem == ""  # switched off: no problem


@pytest.mark.usefixtures("channels")
def test_the_outbox_row_shows_the_template_problem(commune: Any, staff: Any) -> None:
    NotificationTemplate.objects.filter(notice="received", channel="sms").update(body="{% for %}")
    dossier = receive(commune, staff)
    payload = last_row(dossier, "sms").payload
    assert payload["template"] == "default"
    assert payload["template_problem"].startswith(
        "Mẫu “Đã tiếp nhận hồ sơ — Tin nhắn SMS” lỗi, đã gửi nội dung mặc định."
    )
    assert payload["body"].startswith(f"Ho so {dossier.code} da duoc tiep nhan.")


@pytest.mark.usefixtures("channels")
def test_the_admin_shows_where_a_template_failed(admin_client: Any, commune: Any, staff: Any) -> None:
    row = NotificationTemplate.objects.get(notice="received", channel="email")
    NotificationTemplate.objects.filter(pk=row.pk).update(body="{{ hen_tra }}")
    dossier = receive(commune, staff)
    page = admin_client.get(f"/admin/integrations_notify/notificationtemplate/{row.pk}/change/").content.decode()
    assert f"email:{dossier.code}:1" in page
    assert "Mẫu dùng biến không có: hen_tra" in page


@pytest.mark.usefixtures("channels")
def test_an_edit_in_the_admin_changes_the_next_message(admin_client: Any, commune: Any, staff: Any) -> None:
    row = NotificationTemplate.objects.get(notice="supplement_requested", channel="email")
    url = f"/admin/integrations_notify/notificationtemplate/{row.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "{{ missing }}" in page.content.decode()  # the variables are listed beside the template
    form = {"subject": "Bổ sung hồ sơ {{ code }}", "body": "Còn thiếu: {{ missing|join:', ' }}.", "active": "on"}
    refused = admin_client.post(url, form | {"body": "{{ thieu }}"})
    assert "Mẫu dùng biến không có: thieu" in refused.content.decode()  # checked when saved
    assert admin_client.post(url, form).status_code == 302
    dossier = receive(commune, staff)
    perform(dossier, ActionType.REQUEST_SUPPLEMENT, user=staff["counter"], payload={"missing": MISSING})
    payload = last_row(dossier).payload
    assert payload["subject"] == f"Bổ sung hồ sơ {dossier.code}"
    assert payload["body"] == f"Còn thiếu: {MISSING[0]}, {MISSING[1]}."
    assert payload["template"] == "admin"
