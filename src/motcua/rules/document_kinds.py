"""Document kinds shared across procedures, matched from the catalogue's required-document names (RULES.md §6).

Decree 45/2020/NĐ-CP and Circular 01/2023/TT-VPCP (RULES.md §6, [V]): an applicant must not be asked again for a
paper already accepted in an earlier procedure; a document held in their personal data store may be taken instead.
For a stored document to satisfy *another* procedure's requirement, both must be known to be the same kind of
paper (a birth certificate, a land-use right certificate…). The national catalogue has no such code for required
documents (RULES §10 only has ``MaThanhPhanHoSo``, the procedure's own component code), so the kinds and how they
are recognised are **a reading** of motcua's, kept in one table (:data:`DEFAULT_KINDS`) that the province edits
(``datastore.DocumentType``; the reform officer corrects a single requirement with its ``document_type``).

**Matching** (:func:`match_kind`): the name is folded as every search folds it (``rules.text.fold``: case,
diacritics, đ → d, white space), punctuation becomes a word break, and a kind matches when one of its phrases
occurs as whole words. The kinds are tried in order, so a more specific kind is listed first. A name that *opens*
with an application form's word (tờ khai, đơn, giấy/phiếu/văn bản đề nghị or yêu cầu…) is the form filled for this
procedure, never a reusable paper: "Tờ khai đăng ký khai sinh" is not a birth certificate, "Đơn đề nghị cấp giấy
phép xây dựng" is not a building permit — whatever it goes on to name.

**Validity** (:attr:`Kind.validity_months`): a kind whose papers expire by law has a validity, counted — another
reading, since the store does not know the date a paper was issued — from the moment it entered the store
(accepted with a dossier, or issued as a result). The figures are **[R]** (recalled, not checked against the
texts); they are data in the province's table, so a correction is an edit, not a release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from motcua.rules.text import fold

_NOT_WORD = re.compile(r"[^0-9a-z]+")

#: A requirement the reform officer marked as matching no kind (``RequiredDocument.document_type``): never offered.
NO_KIND = "khong-tai-su-dung"

#: How an application form's name opens (folded words): such a requirement is never a stored paper.
FORM_OPENINGS: tuple[str, ...] = (
    "to khai",
    "don",
    "giay de nghi",
    "phieu de nghi",
    "van ban de nghi",
    "giay yeu cau",
    "phieu yeu cau",
    "van ban yeu cau",
    "ban khai",
    "phieu thu thap",
    "du thao",
)


@dataclass(frozen=True)
class Kind:
    slug: str
    name: str
    #: folded phrases; one occurring as whole words in a folded name is a match
    phrases: tuple[str, ...]
    validity_months: int | None = None


#: The kinds motcua starts with (a reading: see the module docstring). Order matters: specific before general.
DEFAULT_KINDS: tuple[Kind, ...] = (
    Kind("giay-khai-sinh", "Giấy khai sinh", ("giay khai sinh", "trich luc khai sinh", "ban sao giay khai sinh")),
    Kind("giay-chung-sinh", "Giấy chứng sinh", ("giay chung sinh",)),
    Kind("giay-chung-nhan-ket-hon", "Giấy chứng nhận kết hôn", ("giay chung nhan ket hon", "trich luc ket hon")),
    # Decree 123/2015/NĐ-CP Art. 23: valid six months from issue [R]
    Kind(
        "xac-nhan-tinh-trang-hon-nhan",
        "Giấy xác nhận tình trạng hôn nhân",
        ("giay xac nhan tinh trang hon nhan",),
        validity_months=6,
    ),
    Kind("giay-bao-tu", "Giấy báo tử", ("giay bao tu",)),
    Kind("trich-luc-khai-tu", "Trích lục khai tử", ("trich luc khai tu", "giay chung tu")),
    # six months, as most procedures asking for it require [R]
    Kind("phieu-ly-lich-tu-phap", "Phiếu lý lịch tư pháp", ("phieu ly lich tu phap", "phieu lltp"), validity_months=6),
    Kind(
        "giay-chung-nhan-quyen-su-dung-dat",
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        (
            "giay chung nhan quyen su dung dat",
            "giay chung nhan quyen so huu su dung",
            "giay chung nhan da cap",
            "gcn qsdd",
            "giay chung nhan qsdd",
        ),
    ),
    Kind("giay-phep-xay-dung", "Giấy phép xây dựng", ("giay phep xay dung",)),
    Kind(
        "giay-chung-nhan-dang-ky-ho-kinh-doanh",
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        ("giay chung nhan dang ky ho kinh doanh",),
    ),
    Kind(
        "giay-chung-nhan-dang-ky-doanh-nghiep",
        "Giấy chứng nhận đăng ký doanh nghiệp",
        ("giay chung nhan dang ky doanh nghiep",),
    ),
    Kind(
        "giay-to-tuy-than",
        "Giấy tờ tùy thân (thẻ căn cước, căn cước công dân, hộ chiếu)",
        ("the can cuoc", "can cuoc cong dan", "cccd", "ho chieu", "giay to tuy than", "can cuoc dien tu"),
    ),
)


def words(name: str) -> str:
    """``name`` folded, its punctuation made word breaks, padded with one space each side (for whole words)."""
    return f" {_NOT_WORD.sub(' ', fold(name)).strip()} "


def is_application_form(name: str) -> bool:
    """Whether the name opens as the form filled for this procedure (:data:`FORM_OPENINGS`)."""
    folded = words(name)
    return any(folded.startswith(f" {opening} ") for opening in FORM_OPENINGS)


def match_kind(name: str, kinds: Iterable[Kind] = DEFAULT_KINDS) -> str | None:
    """The slug of the first kind one of whose phrases occurs as whole words in ``name``; None for none or for an
    application form."""
    if is_application_form(name):
        return None
    folded = words(name)
    for kind in kinds:
        if any(f" {phrase} " in folded for phrase in kind.phrases):
            return kind.slug
    return None


def effective_kind(document_type: str, name: str, kinds: Iterable[Kind] = DEFAULT_KINDS) -> str | None:
    """The kind of a requirement: the one its ``document_type`` names (the reform officer's correction) when
    that is a kind of the table; none when it names anything else (:data:`NO_KIND`, or a key of the province's
    own such as ``to-khai``: a form filled for one procedure is no shared paper); else the match of its name."""
    kinds = tuple(kinds)
    if document_type:
        return document_type if document_type in {k.slug for k in kinds} else None
    return match_kind(name, kinds)


def first_kind(names: Sequence[str], kinds: Iterable[Kind] = DEFAULT_KINDS) -> str | None:
    """The kind of a procedure's result: of the first of its result names that matches one."""
    kinds = tuple(kinds)
    for name in names:
        found = match_kind(name, kinds)
        if found:
            return found
    return None


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the last day of a shorter month (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def valid_until(entered: date, validity_months: int | None) -> date | None:
    """The last day a stored paper of a kind with ``validity_months`` may be used (None: no expiry)."""
    return None if validity_months is None else add_months(entered, validity_months)


def is_valid(until: date | None, today: date) -> bool:
    return until is None or today <= until
