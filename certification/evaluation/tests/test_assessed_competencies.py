"""E4 situation B assesses « Négocier… » or « Organiser… », by the fiche chosen: a real class is split in two shapes.

The compétence is read from the fiche sujet (its fiche's kind), else from the fiche named on the evaluation sheet
for situation B; profiles, grid pages and the V–4 PDF all follow it, and profiles of different shapes are never
compared.
"""

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from certification.evaluation.pdf.grid import render_grid_pdf
from certification.evaluation.selectors.assessed import assessed_competencies, fiche_choices
from certification.models import Grid, GridLine, MarkRange
from tests.factories_certification_grids import criteria_of, fill_grid, grid_post, make_grid_commission, seat
from tests.factories_certification_jury import make_subject_sheet, submitted_dossier
from tests.factories_certification_marks import (
    add_students,
    agree_grid,
    assess_on,
    competencies_of,
    make_marks_commission,
    make_range,
    make_result,
)

NEGO = "Négocier et accompagner la relation-client"
EVENT = "Organiser et animer un évènement commercial"


def _ids(commission, *orders):
    return tuple(c.pk for c in competencies_of(commission) if c.order in orders)


def _subject_on(commission, student, kind_code):
    """The fiche sujet written from the candidate's fiche of ``kind_code``."""
    dossier = submitted_dossier(student)
    sheet = make_subject_sheet(commission, student, dossier)
    sheet.dossier_fiche = dossier.items.get(fiche__kind__code=kind_code)
    sheet.save(update_fields=["dossier_fiche"])
    return sheet


# --- The selector -----------------------------------------------------------------------------------------------


def test_the_fiche_sujet_fixes_the_competence_and_wins_over_the_evaluation_sheet(cast):
    commission = make_marks_commission(cast)
    _subject_on(commission, cast.student, "evenement")
    assess_on(commission, cast.student, "nego-vente")  # the evaluation sheet names another fiche: the sujet wins
    assess_on(commission, cast.student2, "nego-vente")  # no fiche sujet: the evaluation sheet says it
    third = add_students(cast, 1)[0]  # neither: not fixed yet
    found = assessed_competencies(commission, [cast.student.pk, cast.student2.pk, third.pk])
    assert found == {
        cast.student.pk: _ids(commission, 1, 3, 4),
        cast.student2.pk: _ids(commission, 1, 2, 4),
        third.pk: None,
    }


def test_an_exam_without_choice_assesses_every_competence_without_reading_choices(cast):
    commission = make_marks_commission(cast, "E6")
    competencies = competencies_of(commission)
    with CaptureQueriesContext(connection) as queries:
        found = assessed_competencies(commission, [cast.student.pk], competencies)
    assert found == {cast.student.pk: tuple(c.pk for c in competencies)}
    assert not [q for q in queries if "subjectsheet" in q["sql"] or "situationappraisal" in q["sql"]]


def test_the_selector_reads_a_fixed_number_of_queries(cast):
    commission = make_marks_commission(cast)
    students = add_students(cast, 6)
    for index, student in enumerate(students):
        assess_on(commission, student, "nego-vente" if index % 2 else "evenement")
    ids = [student.pk for student in students]
    fiche_choices(commission, ids[:1])  # the référentiel version code is read once per process
    with CaptureQueriesContext(connection) as few:
        assessed_competencies(commission, ids[:2])
    with CaptureQueriesContext(connection) as many:
        found = assessed_competencies(commission, ids)
    assert len(many) == len(few) == 3
    assert sum(1 for value in found.values() if value == _ids(commission, 1, 2, 4)) == 3


# --- The profiles page ------------------------------------------------------------------------------------------


@pytest.fixture
def split(cast):
    """A class split négo / événement: two candidates on each, every assessed compétence positioned."""
    commission = make_marks_commission(cast)
    third, fourth = add_students(cast, 2)
    agree_grid(commission, cast.student, "S-TS-NE-S")
    agree_grid(commission, cast.student2, "S-S-NE-S")
    agree_grid(commission, third, "S-NE-TS-S")
    agree_grid(commission, fourth, "I-NE-S-I")
    return commission, third, fourth


def test_a_split_class_gives_complete_profiles_in_one_part_per_shape(cast, login, split):
    commission, third, fourth = split
    response = login(cast.teacher).get(reverse("certification:profiles", args=[commission.pk]))
    page = response.context["page"]
    assert all(group.complete for group in page.groups)
    assert [[group.key for group in shape.groups] for shape in page.shapes] == [
        ["S-TS-NE-S", "S-S-NE-S"],
        ["S-NE-TS-S", "I-NE-S-I"],
    ]
    html = response.content.decode()
    assert f"Profils évalués sur « {NEGO} »" in html
    assert f"Profils évalués sur « {EVENT} »" in html
    assert "n'est jamais comparé à un profil évalué sur l'évènement" in html
    assert "Profil incomplet" not in html and "Profil en attente" not in html
    assert 'title="non évaluée">NE</span>' in html
    # Dominance only within a shape: S-TS-NE-S dominates S-S-NE-S, nothing crosses the shapes.
    groups = {group.key: group for group in page.groups}
    assert groups["S-TS-NE-S"].dominated == ["S-S-NE-S"]
    assert groups["S-NE-TS-S"].dominated == ["I-NE-S-I"]
    # Every complete profile has its range field, whatever its shape.
    assert 'name="plage" value="S-NE-TS-S"' in html and 'name="plage" value="S-S-NE-S"' in html


def test_ranges_are_saved_per_shape(cast, login, split):
    commission, third, fourth = split
    data: dict[str, Any] = {}
    for key, low, high in (("S-S-NE-S", "11", "13"), ("S-NE-TS-S", "13", "15")):
        data.update({"plage": key, f"plage-{key}-low": low, f"plage-{key}-high": high})
    data = {k: v for k, v in data.items() if k != "plage"}
    data["plage"] = ["S-S-NE-S", "S-NE-TS-S"]
    response = login(cast.teacher).post(reverse("certification:profiles", args=[commission.pk]), data)
    assert response.status_code == 302
    saved = {r.profile_key: (r.low, r.high) for r in MarkRange.objects.filter(commission=commission)}
    assert saved == {"S-S-NE-S": (Decimal(11), Decimal(13)), "S-NE-TS-S": (Decimal(13), Decimal(15))}


def test_dominance_warnings_stay_within_a_shape(cast, login, split):
    commission, third, fourth = split
    # Within négo: S-TS-NE-S dominates S-S-NE-S but gets a lower mark: warned.
    make_result(commission, cast.student, mark="10")
    make_result(commission, cast.student2, mark="12")
    # Across shapes: S-NE-TS-S is « higher » than S-S-NE-S level by level, but they are never compared.
    make_result(commission, third, mark="8")
    make_range(commission, "S-NE-TS-S", "6", "9")
    make_range(commission, "S-S-NE-S", "11", "13")
    response = login(cast.teacher).get(reverse("certification:profiles", args=[commission.pk]))
    warnings = response.context["warnings"]
    assert any("domine celui de" in w and "S-TS-NE-S" in w and "S-S-NE-S" in w for w in warnings)
    assert not any("S-NE-TS-S" in w for w in warnings)


def test_a_candidate_without_known_fiche_is_waiting_with_the_situation_named(cast, login):
    commission = make_marks_commission(cast)
    agree_grid(commission, cast.student, "S-S-S-S", choose=False)
    response = login(cast.teacher).get(reverse("certification:profiles", args=[commission.pk]))
    html = response.content.decode()
    assert "Compétence de la situation B non encore fixée (fiche sujet ou fiche d&#x27;évaluation)" in html
    assert "Profils dont la compétence de la situation B n&#x27;est pas encore fixée" in html


def test_the_result_page_offers_only_the_assessed_competences(cast, login, split):
    commission, third, fourth = split
    event = next(c for c in competencies_of(commission) if c.order == 3)
    response = login(cast.teacher).get(reverse("certification:result_edit", args=[commission.pk, cast.student.pk]))
    assert f"competence_{event.pk}" not in response.context["form"].fields
    assert "non évaluée (NE)" in response.content.decode()


# --- The grid pages and the V–4 PDF -----------------------------------------------------------------------------


def _event_criteria(commission):
    return [criterion for criterion in criteria_of(commission) if criterion.competency.order == 3]


def test_the_agreed_grid_marks_the_other_competence_not_assessed_and_saves_without_it(cast, login):
    commission = make_grid_commission(cast)
    assess_on(commission, cast.student, "nego-vente")
    client = login(cast.teacher)
    url = reverse("certification:grid_agreed", args=[commission.pk, cast.student.pk])
    html = client.get(url).content.decode()
    section = re.search(r"<section[^>]*grid-not-assessed.*?</section>", html, flags=re.S).group(0)
    assert EVENT in section and "non évaluée" in section and "<input" not in section
    for criterion in _event_criteria(commission):
        assert f'name="critere_{criterion.pk}"' not in html
    # A forged POST on the event lines writes nothing there; the other lines are saved.
    response = client.post(url, grid_post(commission, ["S"] * 11))
    assert response.status_code == 302
    grid = Grid.objects.get(commission=commission, student=cast.student, member__isnull=True)
    saved = set(GridLine.objects.filter(grid=grid).values_list("criterion__competency__order", flat=True))
    assert saved == {1, 2, 4}


def test_the_member_grid_names_the_missing_situation_while_the_fiche_is_unknown(cast, login):
    commission = make_grid_commission(cast)
    html = (
        login(cast.teacher)
        .get(reverse("certification:grid_member", args=[commission.pk, cast.student.pk]))
        .content.decode()
    )
    assert "Compétence de la situation B non encore fixée (fiche sujet ou fiche d’évaluation)" in html.replace(
        "&#x27;", "’"
    )
    assert "grid-not-assessed" not in html
    for criterion in _event_criteria(commission):
        assert f'name="critere_{criterion.pk}"' in html


def test_the_v4_pdf_marks_the_competence_not_assessed_and_ticks_nothing_there(cast):
    commission = make_grid_commission(cast)
    _subject_on(commission, cast.student, "nego-vente")
    fill_grid(commission, cast.student, None, ["S"] * 11)  # stray lines on « Organiser… » are ignored
    reader = PdfReader(io.BytesIO(render_grid_pdf(commission, cast.student)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "non évaluée" in text
    assert len(re.findall(r"(?<!\w)X(?!\w)", text)) == 11 - len(_event_criteria(commission))
    own = render_grid_pdf(commission, cast.student, seat(commission, cast.teacher))
    assert "non évaluée" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(own)).pages)
