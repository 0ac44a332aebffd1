"""lib.glyphs: the characters no installed font can draw, named before a PDF prints them as empty boxes."""

from pathlib import Path

from lib import glyphs


def test_french_text_is_drawable_with_the_installed_fonts():
    text = "Élodie, Œillet, ÇA, « guillemets », l’apostrophe, 12 €, œuvre — fin… ½ ° n°"

    assert glyphs.undrawable(text) == []


def test_a_character_in_no_font_is_named_once_in_order_of_appearance():
    text = "a\U0010fffdb\U0010fffc\U0010fffd"

    assert glyphs.undrawable(text) == ["\U0010fffd", "\U0010fffc"]


def test_it_judges_against_the_given_character_map():
    drawable = {ord(c) for c in "abc"}

    assert glyphs.undrawable("abcd e", drawable) == ["d", "e"]  # the space is never reported


def test_invisible_marks_and_variation_selectors_are_not_reported():
    assert glyphs.undrawable("x\u200d\ufe0f\u00ad\n\t", {ord("x")}) == []


def test_no_font_folder_means_nothing_is_drawable():
    assert glyphs.drawable_codepoints((Path("/nonexistent-fonts"),)) == frozenset()


def test_a_broken_font_file_is_skipped(tmp_path):
    (tmp_path / "broken.ttf").write_bytes(b"not a font")

    assert glyphs.drawable_codepoints((tmp_path,)) == frozenset()


def test_describe_gives_the_character_and_its_code():
    assert glyphs.describe("\U0001f600") == "\U0001f600 (U+1F600)"
