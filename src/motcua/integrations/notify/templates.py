"""Rendering a notice's template in a sandbox, with the default text as the fallback.

The engine is Django's template language with no loader (``include``/``extends`` find nothing), no tag
library beyond the built-ins (``load`` fails), and the tags that reach outside the given context refused at
parse time (``debug`` prints the loaded modules, ``url`` the site's routes, ``csrf_token``); the context holds only
plain values (``context.VARIABLES``), so a template sees nothing else. A variable that is not one of them is
an error, not a silent blank: ``string_if_invalid`` marks it and the marked output is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import CsrfTokenNode, DebugNode, LoadNode, URLNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.translation import gettext as _

from motcua.integrations.notify.defaults import default_text
from motcua.integrations.notify.models import NotificationTemplate
from motcua.rules.notices import Notice

_INVALID = "\x00INVALID:%s\x00"
_INVALID_RE = re.compile("\x00INVALID:(.*?)\x00")
ENGINE = Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid=_INVALID, debug=False)
_REFUSED_TAGS = (DebugNode, URLNode, CsrfTokenNode, LoadNode, IncludeNode, ExtendsNode)
_BLANK_LINES = re.compile(r"\n{3,}")


class TemplateProblem(Exception):
    """Why a template cannot be used (in Vietnamese, for the admin and the outbox row)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    source: str  # "admin" (the province's template) or "default"
    problem: str = ""  # why the admin's template was not used


def render_text(source: str, context: dict[str, Any]) -> str:
    """One template text rendered with ``context`` only; :class:`TemplateProblem` when it cannot be."""
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise TemplateProblem(_("Lỗi cú pháp mẫu: %(error)s") % {"error": error}) from error
    for kind in _REFUSED_TAGS:
        if template.nodelist.get_nodes_by_type(kind):
            raise TemplateProblem(_("Mẫu thông báo không được dùng thẻ này: %(tag)s") % {"tag": kind.__name__})
    try:
        text = template.render(Context(context, autoescape=False))
    except Exception as error:  # a filter given a wrong argument, a tag failing: the template is unusable
        raise TemplateProblem(_("Lỗi khi điền mẫu: %(error)s") % {"error": error}) from error
    unknown = sorted(set(_INVALID_RE.findall(text)))
    if unknown:
        raise TemplateProblem(_("Mẫu dùng biến không có: %(names)s") % {"names": ", ".join(unknown)})
    return _BLANK_LINES.sub("\n\n", text).strip()


def render_notice(notice: Notice, channel: str, context: dict[str, Any]) -> Rendered:
    """The admin's active template for (notice, channel), else the default; a failing one falls back."""
    row = NotificationTemplate.objects.filter(notice=notice.value, channel=channel, active=True).first()
    problem = ""
    if row is not None:
        try:
            return Rendered(render_text(row.subject, context), render_text(row.body, context), "admin")
        except TemplateProblem as error:
            problem = _("Mẫu “%(template)s” lỗi, đã gửi nội dung mặc định. %(error)s") % {
                "template": row,
                "error": error,
            }
    default = default_text(notice, channel)
    return Rendered(render_text(default.subject, context), render_text(default.body, context), "default", problem)
