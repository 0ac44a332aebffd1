"""Which characters the PDFs can draw with the fonts installed on this machine.

WeasyPrint asks fontconfig for a font per character, falling back through every installed font; a character that no
installed font holds prints as an empty box (« tofu »). Emoji typed on a phone are the usual case. Rather than let a
student discover boxes in the official PDF, the editor names those characters as soon as the text is saved.

The installed fonts are read once per process with fontTools (already a WeasyPrint dependency): the union of their
character maps is what fallback can reach.
"""

import logging
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

logger = logging.getLogger(__name__)

# Where fontconfig looks on Debian and most Linux systems (see /etc/fonts/fonts.conf).
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc"}
# Characters nobody expects to see drawn: controls, format marks (zero-width joiner…), variation selectors.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _variation_selector(codepoint: int) -> bool:
    return 0xFE00 <= codepoint <= 0xFE0F or 0xE0100 <= codepoint <= 0xE01EF


def _font_codepoints(path: Path) -> set[int]:
    if path.suffix.lower() in {".ttc", ".otc"}:
        fonts = TTCollection(str(path), lazy=True).fonts
    else:
        fonts = [TTFont(str(path), lazy=True)]
    codepoints: set[int] = set()
    for font in fonts:
        cmap = font.getBestCmap() or {}
        codepoints.update(cmap)
    return codepoints


@cache
def drawable_codepoints(font_dirs: tuple[Path, ...] = FONT_DIRS) -> frozenset[int]:
    """Every code point some installed font can draw (read once per process)."""
    codepoints: set[int] = set()
    for directory in font_dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            try:
                codepoints |= _font_codepoints(path)
            except Exception:  # a broken font file must not break the editor; fontconfig skips it too
                logger.warning("Police illisible ignorée : %s", path)
    return frozenset(codepoints)


def undrawable(text: str, drawable: Iterable[int] | None = None) -> list[str]:
    """The distinct characters of ``text`` no installed font can draw, in order of first appearance."""
    known = drawable_codepoints() if drawable is None else drawable
    missing: dict[str, None] = {}
    for char in text:
        codepoint = ord(char)
        if char.isspace() or _variation_selector(codepoint) or unicodedata.category(char) in INVISIBLE_CATEGORIES:
            continue
        if codepoint not in known:
            missing[char] = None
    return list(missing)


def describe(char: str) -> str:
    """« 😀 (U+1F600) » — the character and its code, so a box-shaped glyph still says what it is."""
    return f"{char} (U+{ord(char):04X})"
