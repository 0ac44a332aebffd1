"""``{{ student|de }}``: « d’Emma BERNARD », « de Lucas PETIT » (rules in ``lib.french``)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from lib.french import elides

register = template.Library()


@register.filter(needs_autoescape=True)
def de(value, autoescape: bool = True) -> str:
    """« de » or « d’ » followed by ``value`` (a person, a name), escaped as the rest of the page."""
    text = str(value).strip()
    shown = conditional_escape(text) if autoescape else text
    return mark_safe(f"d’{shown}" if elides(text) else f"de {shown}")  # noqa: S308 - the name is escaped above
