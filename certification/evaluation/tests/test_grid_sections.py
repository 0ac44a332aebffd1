"""templates/certification/evaluation/includes/grid_sections.html: the compétence sections of both grid pages.

Rendered from sections built as the views build them (member and agreed mode, conflict values, pre-filled and
disputed lines, members' comments, a compétence not assessed, hostile text everywhere), with the whitespace between
tags removed: the HTML the other tests and the accessibility checks rely on.
"""

import re
from types import SimpleNamespace
from typing import cast

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from certification.evaluation.selectors.grids import AgreedLine, MemberPosition
from certification.evaluation.services.grids import LayoutCompetency, LayoutCriterion
from certification.evaluation.views.grids import CompetencySection, LineRow
from referentiel.models import Criterion, Level

HOSTILE = "<script>alert('x')</script> & \"quoted\""
COMMISSION_PK, STUDENT_PK = 7, 42


def _levels():
    return [
        Level(pk=1, code="TI", label="Très insuffisant", rank=1),
        Level(pk=2, code="I", label="Insuffisant", rank=2),
        Level(pk=3, code="S", label="Satisfaisant", rank=3),
        Level(pk=4, code="TS", label="Très satisfaisant", rank=4),
    ]


def _member(name):
    return SimpleNamespace(pk=len(name), user=SimpleNamespace(display_name=name))


def _sections(*, agreed: bool, conflict: bool):
    levels = {level.code: level for level in _levels()}
    first = LayoutCompetency(11, 1, "Cibler et prospecter la clientèle")
    second = LayoutCompetency(12, 2, f"Compétence {HOSTILE}")
    rows = [
        (first, LayoutCriterion(101, 1, "Analyser un portefeuille client", first, ["Pertinence", "qualification"])),
        (first, LayoutCriterion(102, 2, "Identifier des cibles", first, [])),
        (second, LayoutCriterion(103, 1, f"Critère {HOSTILE}", second, [HOSTILE])),
    ]
    bob, paul = _member("Bob PROF"), _member(f"Paul {HOSTILE}")
    sections = {
        first.pk: CompetencySection(first, "commentaire_11", "Bon ciblage\nsuite"),
        second.pk: CompetencySection(second, "commentaire_12", HOSTILE),
    }
    chosen = ["TS", "", "S"]
    for (competency, criterion), code in zip(rows, chosen, strict=True):
        row = LineRow(criterion, f"critere_{criterion.pk}", code, ", ".join(criterion.indicators))
        if conflict:
            row.saved = {"TS": "I", "": "non positionné", "S": None}[code]
        if agreed:
            positions = [MemberPosition(bob, levels["S"]), MemberPosition(paul, None if code == "" else levels["TS"])]
            row.agreed = AgreedLine(
                criterion=cast(Criterion, criterion),  # the template reads the attributes both share
                positions=positions,
                agreed=None,
                disagreement=code == "TS",
                distinct_codes=["S", "TS"] if code == "TS" else ["S"],
            )
            row.prefilled = code == "S"
        sections[competency.pk].lines.append(row)
    if conflict:
        sections[first.pk].saved_comment = ""
        sections[second.pk].saved_comment = HOSTILE
    if agreed:
        sections[first.pk].member_comments = [(bob, f"Ligne 1\n{HOSTILE}"), (paul, "Ok")]
    return list(sections.values())


def _render(sections, agreed: bool) -> str:
    context = {
        "sections": sections,
        "levels": _levels(),
        "commission_pk": COMMISSION_PK,
        "student_pk": STUDENT_PK,
        "agreed_mode": agreed,
        "not_assessed_note": "Compétence non évaluée.",
    }
    return _normalised(render_to_string("certification/evaluation/includes/grid_sections.html", context))


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+<", "><", html).strip()


def test_user_and_referentiel_text_is_escaped():
    html = _render(_sections(agreed=True, conflict=True), True)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in html
    assert "Ligne 1<br>&lt;script&gt;" in html  # a member's comment keeps its line breaks, escaped


def test_the_radio_buttons_ids_labels_and_checked_state():
    html = _render(_sections(agreed=False, conflict=True), False)
    assert html.count('type="radio"') == 3 * 5
    assert re.search(r'name="critere_101" value="(\w*)" checked', html).group(1) == "TS"
    assert re.search(r'name="critere_102" value="(\w*)" checked', html).group(1) == ""
    assert '<span class="visually-hidden">Très satisfaisant – critère 1 Analyser un portefeuille client</span>' in html
    assert '<h2 id="competence-11">Cibler et prospecter la clientèle</h2>' in html
    assert 'aria-labelledby="competence-11"' in html
    assert '<label for="id_commentaire_11">Commentaire – Cibler et prospecter la clientèle</label>' in html
    assert 'id="id_commentaire_11" rows="3" maxlength="5000">Bon ciblage suite</textarea>' in html
    assert "Enregistré entre-temps : <strong>I</strong>" in html
    assert "Enregistré entre-temps : (vide)" in html
    assert reverse("certification:grid_evidence", args=[COMMISSION_PK, STUDENT_PK, 11]) in html
    assert '<span class="grid-indicators">(Pertinence, qualification)</span>' in html


def test_the_agreed_mode_shows_each_members_level_and_the_disagreement():
    html = _render(_sections(agreed=True, conflict=False), True)
    assert '<th scope="col">Positions des membres</th>' in html
    assert '<tr class="grid-disagreement">' in html and "Désaccord : S / TS" in html
    assert '<li>Bob PROF : <span class="grid-level" data-grid-level="S">S</span></li>' in html
    assert '<span class="help">non positionné</span>' in html
    assert "pré-rempli : tous les membres d’accord" in html
    assert "Commentaire de la commission – Cibler" in html


@pytest.mark.parametrize("agreed", [False, True])
def test_each_criterions_radios_are_one_group_labelled_by_the_criterion(agreed):
    html = _render(_sections(agreed=agreed, conflict=False), agreed)
    groups = re.findall(r'<div role="radiogroup" aria-labelledby="([^"]+)" class="grid-radios">(.*?)</div>', html, re.S)
    assert [group_id for group_id, _ in groups] == ["critere-101", "critere-102", "critere-103"]
    for group_id, body in groups:
        criterion = group_id.removeprefix("critere-")
        assert body.count('type="radio"') == 5
        assert set(re.findall(r'name="([^"]+)"', body)) == {f"critere_{criterion}"}
        # the group's name is the critère's text, held by an element of the row heading
        assert re.search(rf'<th scope="row"><span id="{group_id}">\d – ', html)
    assert '<td colspan="5" class="grid-choices">' in html


def test_a_competency_not_assessed_shows_its_criteria_without_any_field():
    first = LayoutCompetency(11, 1, "Cibler et prospecter la clientèle")
    first.criteria = [LayoutCriterion(101, 1, f"Critère {HOSTILE}", first, [])]
    section = CompetencySection(first, "", "", assessed=False)
    html = _render([section], False)
    assert '<section class="card grid-section grid-not-assessed" aria-labelledby="competence-11">' in html
    assert '<span class="tag">non évaluée</span>' in html
    assert "<li>1 – Critère &lt;script&gt;" in html
    assert "<input" not in html and "<textarea" not in html
