"""The National Public Service Portal (Cổng Dịch vụ công quốc gia), RULES.md §10: interface and registry only.

The adapter (``contrib/<provider>/``, issue 9) speaks the portal's protocol (login with ``dstcode``, then
``DongBoHoSoMC``, ``CapNhatTienDoHoSoMC``, ``TraCuuHoSo``, ``DongBoDanhGia``); an outbox destination of its own
builds the records from the dossier's log and calls it. Each call raises ``errors.TemporaryFailure`` or
``errors.PermanentFailure`` (the portal's ``error_code`` and message) so the outbox retries or stops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from motcua.integrations.registry import Plugin, Registry


class NationalPortal(Plugin, Protocol):
    def sync_dossiers(self, agency: str, records: Sequence[Mapping[str, Any]], *, updating: bool) -> None:
        """``DongBoHoSoMC`` for the agency's electronic identifier (``madonvi``): create, or update."""
        ...

    def send_progress(self, agency: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """``CapNhatTienDoHoSoMC``: progress rows of dossiers the portal already has (the client batches)."""
        ...

    def has_dossier(self, agency: str, code: str) -> bool:
        """``TraCuuHoSo``: whether the portal knows the dossier (to choose create or update)."""
        ...

    def send_ratings(self, agency: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """``DongBoDanhGia``: the month's satisfaction figures."""
        ...


national_portals: Registry[NationalPortal] = Registry("national_portal", _("Cổng Dịch vụ công quốc gia"))
