"""The population registry over ``motcua.population/1`` (``protocol``), configured by ``MOTCUA_POPULATION_URL``
and ``MOTCUA_POPULATION_TOKEN``; the code of the database it answers for (``DSKetNoiCSDL[].MaCSDL``, recorded on
the dossier) is ``MOTCUA_POPULATION_DATABASE_CODE`` (a reading: RULES.md §10 lists the field, not its codes).

A lookup happens on request (the citizen or the officer asks for the prefill, with the citizen's consent), never
inside a dossier's transaction: it reads, it changes nothing here, so it needs no outbox. Any failure (down, a
refusal, a timeout) is :class:`LookupFailed` with a message a person can read; the applicant then types the data.
"""

from __future__ import annotations

from datetime import date, datetime

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.integrations.contrib.population.protocol import LOOKUP_PATH
from motcua.integrations.population import LookupFailed, Person, population_registries

NO_URL = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_POPULATION_URL chưa được đặt.")
NO_TOKEN = gettext_lazy("Chưa cấu hình: biến môi trường MOTCUA_POPULATION_TOKEN chưa được đặt.")


@population_registries.register("population_http")
class HttpPopulationRegistry:
    name = "population_http"
    label = gettext_lazy("Cơ sở dữ liệu quốc gia về dân cư (motcua.population/1)")

    @property
    def database_code(self) -> str:
        return settings.MOTCUA_POPULATION_DATABASE_CODE

    def problem(self) -> str | None:
        if not settings.MOTCUA_POPULATION_URL:
            return NO_URL
        if not settings.MOTCUA_POPULATION_TOKEN:
            return NO_TOKEN
        return None

    def lookup(self, personal_id_number: str, *, consent: str, given_at: datetime | None = None) -> Person | None:
        body = {
            "personal_id_number": personal_id_number,
            "purpose": "Điền sẵn thông tin người nộp hồ sơ thủ tục hành chính",
            "consent": {"reference": consent[:100], "given_at": (given_at or datetime.now().astimezone()).isoformat()},
        }
        url = settings.MOTCUA_POPULATION_URL.rstrip("/") + LOOKUP_PATH
        try:
            response = httpx.post(
                url,
                json=body,
                headers={"Authorization": f"Bearer {settings.MOTCUA_POPULATION_TOKEN}"},
                timeout=settings.MOTCUA_POPULATION_TIMEOUT_SECONDS,
            )
        except httpx.HTTPError as error:
            raise LookupFailed(_("Không kết nối được Cơ sở dữ liệu dân cư: %(error)s") % {"error": error}) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            reason = _reason(response)
            raise LookupFailed(
                _("Cơ sở dữ liệu dân cư trả lời %(status)s: %(reason)s")
                % {"status": response.status_code, "reason": reason}
            )
        try:
            data = response.json()
            person = data["person"]
            birth = person.get("birth_date")
            return Person(
                personal_id_number=str(person["personal_id_number"]),
                full_name=str(person["full_name"]),
                birth_date=date.fromisoformat(birth) if birth else None,
                address=str(person.get("address", "")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise LookupFailed(_("Cơ sở dữ liệu dân cư trả lời không đúng giao thức.")) from error


def _reason(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:200]
    return str(data.get("reason", ""))[:200] if isinstance(data, dict) else response.text.strip()[:200]
