"""The student's results: verso and mark after the deliberation only, never anything of the grid."""

import re

from django.urls import reverse
from django.utils.html import escape

from certification.models import Grid, GridComment, GridLine
from referentiel.models import Competency, Level
from tests.confidentiality import assert_no_certifying_content
from tests.factories_certification_commissions import make_commission
from tests.factories_certification_sheets import APPRAISAL_A, deliberate, make_result, make_sheet, sign

GRID_COMMENT = "Commentaire réservé au jury sur la prospection."


def _url(student):
    return reverse("certification:student_results", args=[student.pk])


def _assessed(cast):
    commission = make_commission(cast)
    make_result(commission, cast.student, "16", profile={"1": "TS", "2": "S"})
    sign(make_sheet(commission, cast.student), commission.members.get())
    grid = Grid.objects.create(commission=commission, student=cast.student)
    competency = Competency.objects.filter(block__exam=commission.exam).order_by("order").first()
    assert competency is not None
    level = Level.objects.get(version=commission.session.version, code="TS")
    criterion = competency.criteria.first()
    assert criterion is not None
    GridLine.objects.create(grid=grid, criterion=criterion, level=level)
    GridComment.objects.create(grid=grid, competency=competency, text=GRID_COMMENT)
    return commission


def test_before_the_deliberation_the_student_sees_only_that_results_will_come(cast, login):
    _assessed(cast)
    html = login(cast.student).get(_url(cast.student)).content.decode()
    assert "Les résultats seront visibles après la délibération du jury." in html
    assert escape(APPRAISAL_A) not in html
    assert "16" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_after_the_deliberation_the_student_sees_verso_and_mark(cast, login):
    commission = _assessed(cast)
    deliberate(commission, cast.admin)
    html = login(cast.student).get(_url(cast.student)).content.decode()
    assert escape(APPRAISAL_A) in html
    assert "NOTE sur 20 : 16" in html
    assert "Bob PROF" in html and "signé électroniquement" in html
    assert reverse("certification:evaluation_sheet_pdf", args=[commission.pk, cast.student.pk]) in html


def test_the_student_never_sees_grid_content(cast, login):
    commission = _assessed(cast)
    deliberate(commission, cast.admin)
    html = login(cast.student).get(_url(cast.student)).content.decode()
    assert_no_certifying_content(html)
    assert GRID_COMMENT not in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert not re.search(r"\b(TI|I|S|TS)\b", main)
    assert "grille" not in main.lower()


def test_staff_and_other_students_get_a_404(cast, login):
    for who in (cast.admin, cast.teacher, cast.student2):
        assert login(who).get(_url(cast.student)).status_code == 404
