"""Numbers and titles of the one-stop mechanism's official forms, per regime.

The forms an agency issues along a dossier's life (receipt and appointment, request to supplement,
refusal, apology, stop notice, control sheet, dossier book) are numbered by the circular that guides the
regime in force when the dossier was received (RULES.md §0, §4). The numbering changed in 2025, so a
reprint of a 2025-06 receipt must still say what the 2018 circular called it: the form is chosen by
``Dossier.regime``, never by today's date.

Sources and certainty, as RULES.md §4 marks them:

- :attr:`Regime.DECREE_61_2018` — Circular 01/2018/TT-VPCP (guiding Decree 61/2018/NĐ-CP). **[V]** form 02
  is the request to supplement; every other number is **[R]** (recalled: 01 receipt, 03 refusal,
  04 apology, 05 control sheet, 06 dossier book; no stop notice in that set).
- :attr:`Regime.DECREE_118_2025` — Circular 03/2025/TT-VPCP, Appendix I (guiding Decree 118/2025/NĐ-CP).
  **[S]** the whole numbering (secondary source): 01 receipt, 02 request to supplement, 03 refusal,
  04 apology (RULES.md: "apology and request to extend the time"), 05 notice of stopping, 06 control
  sheet, 07 dossier book.

The titles are the wording of the 2018 forms; the 2025 set is assumed to keep it, and the stop notice's
title is a description (RULES.md gives no wording): both are **[S]** with the 2025 numbering. Each row
of :data:`FORMS` carries its own certainty so that a check of the text changes one row.

Titles are marked with :func:`gettext_noop` so that ``makemessages`` extracts them: the presentation
layer translates them at render time (this module stays free of Django, DESIGN.md principle 1).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from motcua.rules.lifecycle import Regime


def gettext_noop(message: str) -> str:
    """Mark a string for extraction by ``makemessages`` without translating it here."""
    return message


class FormKind(enum.StrEnum):
    RECEIPT = "receipt"  # giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT_REQUEST = "supplement_request"  # phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "apology"  # phiếu xin lỗi và hẹn lại ngày trả kết quả
    STOP_NOTICE = "stop_notice"  # thông báo dừng xử lý hồ sơ (2025 set only)
    CONTROL_SHEET = "control_sheet"  # phiếu kiểm soát quá trình giải quyết hồ sơ
    BOOK = "book"  # sổ theo dõi hồ sơ


class Certainty(enum.StrEnum):
    """The marks of RULES.md: checked, secondary source, recalled."""

    VERIFIED = "V"
    SECONDARY = "S"
    RECALLED = "R"


@dataclass(frozen=True)
class FormSpec:
    """One official form of one regime: its number, title and the instrument that issues it."""

    regime: Regime
    kind: FormKind
    number: str  # two digits, as printed after "Mẫu số"
    title: str  # the official Vietnamese title, in sentence case (marked for translation)
    instrument: str  # the circular whose appendix carries the form
    certainty: Certainty


CIRCULAR_2018 = "Thông tư số 01/2018/TT-VPCP"
CIRCULAR_2025 = "Thông tư số 03/2025/TT-VPCP"

TITLE_RECEIPT = gettext_noop("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
TITLE_SUPPLEMENT = gettext_noop("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
TITLE_REFUSAL = gettext_noop("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
TITLE_APOLOGY = gettext_noop("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
TITLE_STOP = gettext_noop("Thông báo dừng xử lý hồ sơ")
TITLE_CONTROL_SHEET = gettext_noop("Phiếu kiểm soát quá trình giải quyết hồ sơ")
TITLE_BOOK = gettext_noop("Sổ theo dõi hồ sơ")

#: Every form kind with its title (the same in both sets), e.g. for print buttons. The titles are source
#: strings marked for extraction: translate them where they are shown (``gettext(FORM_KINDS[kind])``).
FORM_KINDS: Mapping[FormKind, str] = {
    FormKind.RECEIPT: TITLE_RECEIPT,
    FormKind.SUPPLEMENT_REQUEST: TITLE_SUPPLEMENT,
    FormKind.REFUSAL: TITLE_REFUSAL,
    FormKind.APOLOGY: TITLE_APOLOGY,
    FormKind.STOP_NOTICE: TITLE_STOP,
    FormKind.CONTROL_SHEET: TITLE_CONTROL_SHEET,
    FormKind.BOOK: TITLE_BOOK,
}

_V, _S, _R = Certainty.VERIFIED, Certainty.SECONDARY, Certainty.RECALLED


def _table(
    regime: Regime, instrument: str, rows: list[tuple[FormKind, str, str, Certainty]]
) -> dict[FormKind, FormSpec]:
    return {kind: FormSpec(regime, kind, number, title, instrument, mark) for kind, number, title, mark in rows}


#: The explicit table: regime → form kind → spec. Certainty per row as RULES.md §4 gives it.
FORMS: Mapping[Regime, Mapping[FormKind, FormSpec]] = {
    # Circular 01/2018/TT-VPCP: form 02 [V]; the rest recalled [R]; no stop notice in this set.
    Regime.DECREE_61_2018: _table(
        Regime.DECREE_61_2018,
        CIRCULAR_2018,
        [
            (FormKind.RECEIPT, "01", TITLE_RECEIPT, _R),
            (FormKind.SUPPLEMENT_REQUEST, "02", TITLE_SUPPLEMENT, _V),
            (FormKind.REFUSAL, "03", TITLE_REFUSAL, _R),
            (FormKind.APOLOGY, "04", TITLE_APOLOGY, _R),
            (FormKind.CONTROL_SHEET, "05", TITLE_CONTROL_SHEET, _R),
            (FormKind.BOOK, "06", TITLE_BOOK, _R),
        ],
    ),
    # Circular 03/2025/TT-VPCP, Appendix I: numbering from a secondary source [S].
    Regime.DECREE_118_2025: _table(
        Regime.DECREE_118_2025,
        CIRCULAR_2025,
        [
            (FormKind.RECEIPT, "01", TITLE_RECEIPT, _S),
            (FormKind.SUPPLEMENT_REQUEST, "02", TITLE_SUPPLEMENT, _S),
            (FormKind.REFUSAL, "03", TITLE_REFUSAL, _S),
            (FormKind.APOLOGY, "04", TITLE_APOLOGY, _S),
            (FormKind.STOP_NOTICE, "05", TITLE_STOP, _S),
            (FormKind.CONTROL_SHEET, "06", TITLE_CONTROL_SHEET, _S),
            (FormKind.BOOK, "07", TITLE_BOOK, _S),
        ],
    ),
}

#: The regime whose numbering a document covering dossiers of several regimes uses (the current one).
LATEST_REGIME = Regime.DECREE_118_2025


class FormNotInRegime(LookupError):
    """The regime's circular has no such form (e.g. a stop notice under Circular 01/2018)."""

    def __init__(self, regime: Regime | str, kind: FormKind | str) -> None:
        super().__init__(f"form '{kind!s}' does not exist in regime '{regime!s}' ({_instrument(regime)})")
        self.regime = regime
        self.kind = kind


def _instrument(regime: Regime | str) -> str:
    try:
        return {Regime.DECREE_61_2018: CIRCULAR_2018, Regime.DECREE_118_2025: CIRCULAR_2025}[Regime(regime)]
    except ValueError:
        return "unknown regime"


def form_spec(regime: Regime | str, kind: FormKind | str) -> FormSpec:
    """The number and title of form ``kind`` under ``regime`` (Circular 01/2018 or 03/2025, see module).

    Accepts the enum members or their values (``"2018"``, ``"receipt"``), as stored on a dossier.
    Raises :class:`FormNotInRegime` for an unknown regime or kind, or a kind that regime does not have.
    """
    try:
        return FORMS[Regime(regime)][FormKind(kind)]
    except (ValueError, KeyError):
        raise FormNotInRegime(regime, kind) from None


def forms_of(regime: Regime | str) -> tuple[FormSpec, ...]:
    """Every form of ``regime``, in the order of their numbers."""
    try:
        table = FORMS[Regime(regime)]
    except (ValueError, KeyError):
        raise FormNotInRegime(regime, "*") from None
    return tuple(sorted(table.values(), key=lambda spec: spec.number))
