"""``{{ student|de }}``: « d’Emma BERNARD », « de Lucas PETIT » (rules in ``lib.french``)."""

from django import template
from django.utils.html import format_html

from lib.french import elides

register = template.Library()


@register.filter(needs_autoescape=True)
def de(value, autoescape: bool = True) -> str:
    """« de » or « d’ » followed by ``value`` (a person, a name), escaped as the rest of the page."""
    text = str(value).strip()
    pattern = "d’{}" if elides(text) else "de {}"
    return format_html(pattern, text) if autoescape else pattern.format(text)
