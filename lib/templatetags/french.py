"""French typography in templates: « de » before a name, elided as French writes it.

``{{ student|de }}`` gives « d’Emma BERNARD », « d’Étienne », « d’Œdipe », « de Lucas PETIT ». Elision before a vowel
(accented or not, Œ and Æ included), before a Y followed by a consonant (« d’Yves », but « de Yanis »), and before
an H, read as a mute h as in most French first names (« d’Hugo », « d’Hélène »); a name with an aspirated h
(« Hector » is mute, « Hans » is not) is not told apart. The apostrophe is the typographic one (’), never escaped.
"""

import unicodedata

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

VOWELS = set("aeiouæœ")


def _base(letter: str) -> str:
    """The letter without its accent, in lower case (É → e, Œ → œ)."""
    return unicodedata.normalize("NFD", letter)[0].lower()


def elides(name: str) -> bool:
    """Whether « de » before ``name`` becomes « d’ »."""
    name = name.strip()
    if not name:
        return False
    first = _base(name[0])
    if first in VOWELS or first == "h":
        return True
    if first == "y":
        return len(name) > 1 and _base(name[1]) not in VOWELS
    return False


@register.filter(needs_autoescape=True)
def de(value, autoescape: bool = True) -> str:
    """« de » or « d’ » followed by ``value`` (a person, a name), escaped as the rest of the page."""
    text = str(value).strip()
    shown = conditional_escape(text) if autoescape else text
    return mark_safe(f"d’{shown}" if elides(text) else f"de {shown}")  # noqa: S308 - the name is escaped above
