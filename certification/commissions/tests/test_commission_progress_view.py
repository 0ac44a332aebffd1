"""The commission's progress page: one row per candidate with each step's state, a filter, a search, sorting by
links, the next missing step of each row; the same counts as the to-do; a fixed number of queries."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.evaluation.selectors import progress
from certification.evaluation.selectors.steps import blocking_steps
from certification.models import MemberRole
from referentiel.models import Criterion
from tests.factories_certification_commissions import add_member
from tests.factories_certification_grids import criteria_of, fill_grid, seat
from tests.factories_certification_jury import make_passage
from tests.factories_certification_marks import (
    add_students,
    agree_grid,
    competencies_of,
    make_markable,
    make_marks_commission,
    make_result,
)


def url(commission, **query):
    return reverse("certification:commission_progress", args=[commission.pk]) + (
        "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    )


def _row(page: str, student) -> str:
    start = page.index(f'id="candidat-{student.pk}"')
    return page[start : page.index("</tr>", start)]


def _cells(page: str, student) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", _row(page, student))]


def _names(page: str) -> list[str]:
    return re.findall(r'<tr id="candidat-\d+">\s*<th scope="row">([^<]+)</th>', page)


def test_a_row_shows_each_steps_state_and_links_the_next_missing_step(cast, login):
    commission = make_marks_commission(cast, "E6", markable=True)  # E6: every candidate assessed on 7 critères
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["S"] * 5 + [None] * 2)
    fill_grid(commission, cast.student, None, ["S"] * 7)
    make_result(commission, cast.student, profile="S-S-S", mark="14.5")

    page = login(cast.teacher).get(url(commission)).text

    cells = _cells(page, cast.student)

    # informed of both situations, deposited, readiness not recorded, my grid 5 of 7 lines, the agreed grid full,
    # the profile set, the mark, no signature of the two teachers yet, not released.
    assert cells[:-1] == ["2/2", "déposé", "0/2", "5/7", "7/7", "fixé", "14,5", "0/2", "non"]
    next_step = cells[-1]
    assert next_step.startswith("Aptitude à enregistrer")
    assert reverse("certification:candidate_lifecycle", args=[commission.pk, cast.student.pk]) in _row(
        page, cast.student
    )


def test_the_viewers_grid_counts_only_the_critères_a_situation_b_candidate_is_assessed_on(cast, login):
    commission = make_marks_commission(cast, markable=True)  # E4: one of two compétences by the fiche of B
    agree_grid(commission, cast.student, "S-S-NE-S")  # assessed on compétence 2, not 3
    competencies = competencies_of(commission)
    skipped = Criterion.objects.filter(competency=competencies[2]).count()
    common = sum(Criterion.objects.filter(competency=c).count() for c in (competencies[0], competencies[3]))
    total = len(criteria_of(commission))

    page = login(cast.teacher).get(url(commission)).text

    assert _cells(page, cast.student)[3:5] == [f"0/{total - skipped}", f"{total - skipped}/{total - skipped}"]
    # No fiche chosen yet for Lucas: only the critères every candidate is assessed on are counted.
    assert _cells(page, cast.student2)[3] == f"0/{common}"


def test_the_filter_keeps_what_remains_and_a_step(cast, login):
    commission = make_marks_commission(cast, "E6", markable=True)
    for student in (cast.student,):
        fill_grid(commission, student, seat(commission, cast.teacher), ["S"] * 7)
        fill_grid(commission, student, None, ["S"] * 7)
    make_result(commission, cast.student, status="nv")
    make_result(commission, cast.student2, mark="12", locked=True)
    client = login(cast.teacher)

    marks = client.get(url(commission, etape="mark")).text
    signature = client.get(url(commission, etape="signature")).text
    grids = client.get(url(commission, etape="grid")).text

    assert _names(marks) == []
    assert _names(signature) == []
    assert _names(grids) == [str(cast.student2)]
    assert "1 ligne(s) affichée(s) sur 2." in grids


def test_the_search_finds_a_name_without_javascript(cast, login):
    commission = make_marks_commission(cast, "E6")

    page = login(cast.teacher).get(url(commission, q="lucas")).text

    assert _names(page) == [str(cast.student2)]
    assert '<form method="get"' in page and 'name="q"' in page and 'value="lucas"' in page


def test_sorting_by_name_follows_french_order_and_a_second_click_reverses_it(cast, login):
    commission = make_marks_commission(cast, "E6")
    add_students(cast, 2, prefix="z")  # Nom000, Nom001
    client = login(cast.teacher)

    ascending = client.get(url(commission)).text
    descending = client.get(url(commission, tri="-nom")).text

    assert _names(ascending) == ["Lucas ÉTUDIANT", "Emma ÉTUDIANTE", "Prénom0 NOM000", "Prénom1 NOM001"]
    assert _names(descending) == list(reversed(_names(ascending)))
    assert 'aria-sort="ascending"' in ascending and "tri=-nom" in ascending
    assert 'aria-sort="descending"' in descending


def test_sorting_by_next_step_puts_the_least_advanced_first(cast, login):
    commission = make_marks_commission(cast, "E6")
    make_markable(commission, cast.student2)  # Lucas: informed and deposited; Emma: neither

    page = login(cast.teacher).get(url(commission, tri="etape")).text

    assert _names(page) == [str(cast.student), str(cast.student2)]
    assert _cells(page, cast.student)[-1].startswith("Informer de la date")


def test_the_page_and_the_todo_count_the_same_candidates_at_each_step(cast, login):
    commission = make_marks_commission(cast, "E6", markable=True)
    add_students(cast, 3, commission=commission)
    add_students(cast, 2, prefix="x")  # neither informed nor deposited
    make_result(commission, cast.student, mark="12")
    make_result(commission, cast.student2, status="reserved")
    state = progress.commissions_progress([commission])[commission.pk]
    client = login(cast.teacher)

    for step in (
        progress.INFORM,
        progress.READINESS,
        progress.DOSSIER,
        progress.MARK,
        progress.CONFORMITY,
        progress.SIGNATURE,
    ):
        expected = set().union(*(set(line.names) for line in state.remaining if line.step == step))
        page = client.get(url(commission, etape=step)).text
        assert set(_names(page)) == expected, step
    assert expected == {str(cast.student)}  # signature: the mark given, not signed


def test_it_reads_everything_in_a_fixed_number_of_queries(cast, login, django_assert_num_queries):
    commission = make_marks_commission(cast, "E6", markable=True)
    client = login(cast.teacher)
    client.get(url(commission))  # session and caches warm
    with CaptureQueriesContext(connection) as small:
        client.get(url(commission))
    students = add_students(cast, 12, commission=commission)
    for student in students:
        fill_grid(commission, student, seat(commission, cast.teacher), ["S"] * 7)
        make_result(commission, student, mark="11")

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(commission))

    assert len(_names(response.text)) == 14


def test_a_professional_member_sees_only_the_candidates_of_their_passage_jury(cast, login):
    commission = make_marks_commission(cast)
    pro = add_member(commission, cast.professional, MemberRole.PROFESSIONAL)
    make_passage(commission, cast.student, jurors=[pro])

    page = login(cast.professional).get(url(commission)).text

    assert _names(page) == [str(cast.student)]


def test_the_commission_page_links_the_progress(cast, login):
    commission = make_marks_commission(cast)

    page = login(cast.teacher).get(reverse("certification:commission_detail", args=[commission.pk])).text

    assert reverse("certification:commission_progress", args=[commission.pk]) in page


def test_an_outsider_gets_a_404(cast, login):
    commission = make_marks_commission(cast)

    assert login(cast.outsider).get(url(commission)).status_code == 404


def test_the_todos_item_counts_are_the_rows_of_the_page_filtered_by_that_step(cast, login):
    commission = make_marks_commission(cast, "E6", markable=True)
    add_students(cast, 2, prefix="x")  # neither informed nor deposited: no dossier, no mark
    make_result(commission, cast.student, mark="12")  # to sign
    make_result(commission, cast.student2, status="reserved")
    client = login(cast.teacher)
    labels = {
        "Dossier non déposé, sans NV enregistré": progress.DOSSIER,
        **{label: step for step, label in progress.FINAL_STEPS.items()},
    }

    items = [item for item in blocking_steps(cast.teacher) if item.label in labels]

    assert {labels[item.label] for item in items} == {
        progress.DOSSIER,
        progress.MARK,
        progress.CONFORMITY,
        progress.SIGNATURE,
    }
    for item in items:
        page = client.get(url(commission, etape=labels[item.label])).text
        assert len(_names(page)) == item.count, item.label
