"""``vnd``: an amount of đồng written the Vietnamese way (1.024.000), empty for none."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(value: int | Decimal | None) -> str:
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """``mapping[key]`` in a template (a label by its code), empty when absent."""
    return mapping.get(key, "")
