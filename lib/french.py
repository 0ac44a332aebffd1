"""French typography: « de » before a name, elided as French writes it (« d’Emma », « de Lucas »).

Elision before a vowel (accented or not, Œ and Æ included), before a Y followed by a consonant (« d’Yves », but
« de Yanis »), and before an H, read as a mute h as in most French first names (« d’Hugo », « d’Hélène »); a name
with an aspirated h is not told apart. The apostrophe is the typographic one (’).
"""

import unicodedata

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


def de(name: object) -> str:
    """« de » or « d’ » followed by ``name`` (a person or a text): plain text, for messages and titles."""
    text = str(name).strip()
    return f"d’{text}" if elides(text) else f"de {text}"
