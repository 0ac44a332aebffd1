"""The SVG charts: well-formed, accessible, escaped, readable colours, no inline style (CSP)."""

import xml.etree.ElementTree as ET

import pytest
from django.template import engines

from passeport import charts
from referentiel.models import Level

SVG = "{http://www.w3.org/2000/svg}"


def _render(template: str, chart: object) -> str:
    return engines["jinja2"].get_template(f"passeport/includes/{template}.svg.jinja").render({"chart": chart})


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, parsed to prove it is well-formed


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def levels(db):
    return list(Level.objects.filter(version__code="ndrc-2018-maj-2025").order_by("rank"))


@pytest.mark.parametrize("rank", [1, 2, 3, 4])
def test_white_text_on_each_level_colour_meets_wcag_aa(rank):
    assert _contrast(charts.LEVEL_FILLS[rank], charts.WHITE) >= 4.5


def test_dark_text_on_the_empty_cell_meets_wcag_aa():
    assert _contrast(charts.EMPTY_FILL, charts.INK) >= 4.5


def test_level_colours_are_all_different():
    assert len(set(charts.LEVEL_FILLS.values())) == 4


def _profile(levels, label="1. Analyser un portefeuille client"):
    chart = charts.profile_chart(
        chart_id="profil-e4",
        title="E4 : profil",
        desc="Description",
        groups=[("Cibler & prospecter", [charts.ProfileItem(label, levels[2]), charts.ProfileItem("2. Autre", None)])],
        levels=levels,
    )
    return _render("profile_chart", chart)


def test_the_profile_chart_is_well_formed_and_labelled(levels):
    root = _parse(_profile(levels))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "profil-e4-titre profil-e4-desc"
    assert root.find(f"{SVG}title").text == "E4 : profil"
    assert root.find(f"{SVG}desc").text == "Description"


def test_the_profile_bar_length_follows_the_rank_and_carries_the_code(levels):
    svg = str(_profile(levels))
    assert f'width="{3 * charts.STEP}" height="16" fill="{charts.LEVEL_FILLS[3]}"' in svg
    assert f'fill="{charts.WHITE}">S</text>' in svg
    assert "non positionné" in svg
    assert "<title>1. Analyser un portefeuille client : S – Satisfaisant</title>" in svg


def test_texts_are_escaped(levels):
    svg = str(_profile(levels, label='<script>alert("x")</script>'))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Cibler &amp; prospecter" in svg
    _parse(svg)


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip(levels):
    label = "1. " + "très long libellé " * 10
    svg = str(_profile(levels, label=label))
    assert "…" in svg
    assert f"<title>{label} : S – Satisfaisant</title>" in svg


def test_no_inline_style_so_the_csp_holds(levels):
    svg = str(_profile(levels))
    heat = str(_heat(levels))
    for text in (svg, heat):
        assert "style=" not in text
        assert "<style" not in text
        assert "<script" not in text


def _heat(levels):
    chart = charts.heatmap(
        chart_id="carte",
        title="Carte",
        desc="Desc",
        columns=[("E4·C1", "E4 – Cibler"), ("E4·C2", "E4 – Négocier")],
        rows=[
            (
                "DUPONT Léa",
                [
                    charts.HeatCell(levels[0], "TI · 1/4", "Léa, Cibler : TI"),
                    charts.HeatCell(None, "— · 0/2", "Léa, Négocier : aucun"),
                ],
            ),
        ],
        levels=levels,
    )
    return _render("heatmap", chart)


def test_the_heatmap_colours_cells_by_level_and_writes_the_text(levels):
    root = _parse(_heat(levels))
    assert root.get("role") == "img"
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    assert charts.LEVEL_FILLS[1] in fills
    assert charts.EMPTY_FILL in fills
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "TI · 1/4" in texts and "— · 0/2" in texts
    assert "DUPONT Léa" in texts
    assert "E4·C1" in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "E4 – Cibler" in titles and "Léa, Cibler : TI" in titles


def test_the_heatmap_has_a_legend_with_every_level(levels):
    texts = [t.text for t in _parse(_heat(levels)).iter(f"{SVG}text")]
    for level in levels:
        assert f"{level.code} – {level.label}" in texts
    assert "aucun positionnement" in texts


def test_the_charts_use_only_the_palette_whose_contrasts_are_checked_above(levels):
    palette = {*charts.LEVEL_FILLS.values(), charts.EMPTY_FILL, charts.INK, charts.MUTED, charts.LINE, charts.WHITE}
    for svg in (_profile(levels), _heat(levels)):
        root = _parse(svg)
        colours = {e.get(a) for e in root.iter() for a in ("fill", "stroke") if e.get(a) not in (None, "none")}
        assert colours and colours <= palette
