from django import template

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """``20000`` → ``20.000`` (the Vietnamese thousands separator)."""
    return "" if amount is None else f"{int(amount):,}".replace(",", ".")
