"""The référentiel loaded by the migrations matches the official grids of the session-2025 circulaire."""

import re

import pytest

from referentiel.models import Competency, Criterion, Exam, FicheKind, Indicator, Level
from referentiel.tests.conftest import annex_section, annex_text

VERSION = "ndrc-2018-maj-2025"
GRID_SECTIONS = {"E4": ("ANNEXE V–4", "ANNEXE V–5"), "E6": ("ANNEXE VII–2", "ANNEXE VII–3")}


def _exam(code: str) -> Exam:
    return Exam.objects.select_related("block").get(version__code=VERSION, code=code)


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "competencies", "criteria", "indicators"), [("E4", 4, 11, 20), ("E6", 3, 7, 12)])
def test_the_grids_have_the_official_counts(code, competencies, criteria, indicators):
    block = _exam(code).block
    assert Competency.objects.filter(block=block).count() == competencies
    assert Criterion.objects.filter(competency__block=block).count() == criteria
    assert Indicator.objects.filter(criterion__competency__block=block).count() == indicators


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["E4", "E6"])
def test_every_criterion_and_its_indicators_are_verbatim_from_the_grid(code):
    grid = annex_section(*GRID_SECTIONS[code])
    criteria = Criterion.objects.filter(competency__block__exam__code=code, competency__block__version__code=VERSION)
    for criterion in criteria.prefetch_related("indicators"):
        # The grid prints « 1 - Analyser… (…) » or « 1 – Organiser…(…) »: number, dash, title, landmarks.
        pattern = rf"{criterion.number} [-–] {re.escape(criterion.title)} ?\(([^)]*)\)"
        match = re.search(pattern, grid)
        assert match, f"« {criterion.title} » is not a line of the {code} grid"
        wordings = [indicator.wording for indicator in criterion.indicators.all()]
        assert ", ".join(wordings) == match.group(1), f"indicators of « {criterion.title} » do not split the line"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["E4", "E6"])
def test_every_competency_title_is_verbatim_from_the_grid(code):
    grid = annex_section(*GRID_SECTIONS[code])
    for title in Competency.objects.filter(block__exam__code=code).values_list("title", flat=True):
        assert title in grid


@pytest.mark.django_db
def test_the_scale_follows_the_grid_legend():
    levels = Level.objects.filter(version__code=VERSION).order_by("rank")
    assert [(level.rank, level.code) for level in levels] == [(1, "TI"), (2, "I"), (3, "S"), (4, "TS")]
    legend = "TI : Très Insuffisant / I : Insuffisant / S : Satisfaisant /TS : Très satisfaisant"
    assert legend in annex_text()
    for level in levels:
        assert f"{level.code} : {level.label}" in legend


@pytest.mark.django_db
def test_exams_carry_their_bloc_coefficient_and_mode():
    exams = {exam.code: exam for exam in Exam.objects.filter(version__code=VERSION).select_related("block")}
    assert {code: (e.block.number, e.coefficient, e.ccf) for code, e in exams.items()} == {
        "E4": (1, 5, True),
        "E5": (2, 4, False),
        "E6": (3, 3, True),
    }
    assert exams["E4"].title == "Relation client et négociation-vente"
    assert exams["E6"].title == "Relation client et animation de réseaux"


@pytest.mark.django_db
def test_e5_keeps_only_its_competency_titles():
    block = _exam("E5").block
    assert list(Competency.objects.filter(block=block).values_list("title", flat=True)) == [
        "Maîtriser la relation client omnicanale",
        "Animer la relation client digitale",
        "Développer la relation client en e-commerce",
    ]
    assert not Criterion.objects.filter(competency__block=block).exists()


@pytest.mark.django_db
def test_fiche_kinds_are_verbatim_from_the_fiche_annexes():
    kinds = FicheKind.objects.filter(exam__version__code=VERSION).order_by("exam__code", "order")
    assert [(kind.exam.code, kind.code) for kind in kinds] == [
        ("E4", "nego-vente"),
        ("E4", "evenement"),
        ("E6", "distributeurs"),
        ("E6", "partenaires"),
        ("E6", "vente-directe"),
    ]
    e4_forms = annex_section("ANNEXE V–1", "ANNEXE V–6")
    e6_fiche = annex_section("ANNEXE VII–1", "ANNEXE VII–2")
    for kind in kinds:
        assert kind.label in (e4_forms if kind.exam.code == "E4" else e6_fiche)
