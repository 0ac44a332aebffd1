"""The profiles page: the group's profiles side by side, ranges and marks set by the commission (never computed)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import CandidateResult, MarkRange, ResultStatus
from tests.factories_certification_marks import agree_grid, make_marks_commission, make_range, make_result, profile_of


@pytest.fixture
def commission(cast):
    return make_marks_commission(cast, markable=True)


def url(commission):
    return reverse("certification:profiles", args=[commission.pk])


def row(student, *, status="pending", mark="", reason="", version=0) -> dict:
    prefix = f"c{student.pk}"
    return {
        f"{prefix}-status": status,
        f"{prefix}-mark": mark,
        f"{prefix}-absent_reason": reason,
        f"{prefix}-version": str(version),
    }


def range_data(key, low, high) -> dict:
    return {"plage": key, f"plage-{key}-low": low, f"plage-{key}-high": high}


def test_it_groups_identical_profiles_dominant_first(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    agree_grid(commission, cast.student2, "TS-S-NE-S")
    third = make_result(commission, cast.student2, profile="TS-S-NE-S")
    response = login(cast.teacher).get(url(commission))
    assert response.status_code == 200
    groups = response.context["page"].groups
    assert [group.key for group in groups] == ["TS-S-NE-S", "S-S-NE-S"]
    assert [r.student for r in groups[1].rows] == [cast.student]
    assert groups[0].dominated == ["S-S-NE-S"]
    assert third.pk


def test_two_candidates_with_the_same_profile_share_one_group(cast, login, commission):
    agree_grid(commission, cast.student, "S-I-NE-TS")
    agree_grid(commission, cast.student2, "S-I-NE-TS")
    groups = login(cast.teacher).get(url(commission)).context["page"].groups
    assert len(groups) == 1
    assert len(groups[0].rows) == 2


def test_an_edited_profile_replaces_the_grid_proposal(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    make_result(commission, cast.student, profile="TS-S-NE-S")
    response = login(cast.teacher).get(url(commission))
    keys = {r.student.pk: r.key for r in response.context["page"].rows}
    assert keys[cast.student.pk] == "TS-S-NE-S"
    assert "la grille commune propose S-S-NE-S" in response.content.decode()


def test_a_candidate_without_agreed_grid_is_shown_as_incomplete(cast, login, commission):
    agree_grid(commission, cast.student, "?-?-NE-?")
    response = login(cast.teacher).get(url(commission))
    groups = response.context["page"].groups
    assert [group.key for group in groups] == ["?-?-NE-?", "?-?-?-?"]
    assert groups[0].range_form is None
    assert "Profil incomplet" in response.content.decode()


def test_a_candidate_whose_situation_b_fiche_is_unknown_is_waiting_not_incomplete(cast, login, commission):
    """Neither a fiche sujet nor a fiche named on the evaluation sheet: the compétence of B is not fixed yet."""
    agree_grid(commission, cast.student, "S-S-S-S")  # every line positioned, but which one counts is unknown
    response = login(cast.teacher).get(url(commission))
    (group,) = [g for g in response.context["page"].groups if cast.student in [r.student for r in g.rows]]
    assert group.key == "S-?-?-S"
    assert not group.complete and group.range_form is None
    html = response.content.decode()
    assert "Compétence de la situation B non encore fixée (fiche sujet ou fiche d&#x27;évaluation)" in html
    assert "Profil en attente" in html
    assert "Profil incomplet" not in html


def test_no_mark_is_filled_in_for_the_commission(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    make_range(commission, "S-S-NE-S", "12", "14")
    response = login(cast.teacher).get(url(commission))
    html = response.content.decode()
    assert "plage 12–14" in html
    form = response.context["page"].groups[0].rows[0].form
    assert form["mark"].value() is None
    assert f'name="c{cast.student.pk}-mark" size="4"' in html or f'name="c{cast.student.pk}-mark"' in html
    assert 'value="12"' not in html.split(f'name="c{cast.student.pk}-mark"')[1].split(">")[0]


def test_it_saves_ranges_and_marks_and_keeps_the_profile_marked(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    data = {**range_data("S-S-NE-S", "12", "14"), **row(cast.student, mark="13,5"), **row(cast.student2)}
    response = login(cast.teacher).post(url(commission), data)
    assert response.status_code == 302
    mark_range = MarkRange.objects.get(commission=commission)
    assert (mark_range.profile_key, mark_range.low, mark_range.high) == ("S-S-NE-S", Decimal(12), Decimal(14))
    result = CandidateResult.objects.get(commission=commission, student=cast.student)
    assert (result.status, result.mark, result.version) == (ResultStatus.MARK, Decimal("13.5"), 1)
    assert result.profile == profile_of(commission, "S-S-NE-S")
    assert result.updated_by == cast.teacher
    # student2 was left « à noter »: nothing written for them.
    assert not CandidateResult.objects.filter(student=cast.student2).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"result.updated", "markrange.updated"} <= actions


def test_emptying_a_range_removes_it(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    make_range(commission, "S-S-NE-S", "12", "14")
    login(cast.teacher).post(url(commission), range_data("S-S-NE-S", "", ""))
    assert not MarkRange.objects.exists()


def test_a_range_with_one_bound_or_reversed_is_refused(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    client = login(cast.teacher)
    response = client.post(url(commission), range_data("S-S-NE-S", "12", ""))
    assert "Indiquez les deux bornes de la plage, ou aucune." in response.content.decode()
    response = client.post(url(commission), range_data("S-S-NE-S", "15", "12"))
    assert "La borne basse doit être inférieure ou égale à la borne haute." in response.content.decode()
    assert not MarkRange.objects.exists()


def test_marks_go_by_half_points_when_the_session_says_so(cast, login, commission):
    client = login(cast.teacher)
    response = client.post(url(commission), row(cast.student, mark="12.25"))
    assert response.status_code == 200
    assert "Une seule décimale" in response.content.decode()
    response = client.post(url(commission), row(cast.student, mark="12.3"))
    assert "au demi-point" in response.content.decode()
    assert not CandidateResult.objects.exists()
    assert client.post(url(commission), row(cast.student, mark="12.5")).status_code == 302


def test_marks_go_by_whole_points_when_the_session_says_so(cast, login, commission):
    commission.session.mark_step_halves = False
    commission.session.save(update_fields=["mark_step_halves"])
    response = login(cast.teacher).post(url(commission), row(cast.student, mark="12,5"))
    assert "au point entier" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_a_mark_above_twenty_is_refused(cast, login, commission):
    response = login(cast.teacher).post(url(commission), row(cast.student, mark="21"))
    assert "La note est sur 20" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_statuses_other_than_a_mark_are_recorded(cast, login, commission):
    client = login(cast.teacher)
    data = {**row(cast.student, status="reserved"), **row(cast.student2, status="nv")}
    assert client.post(url(commission), data).status_code == 302
    results = {r.student_id: r for r in CandidateResult.objects.all()}
    assert results[cast.student.pk].status == "reserved"
    assert results[cast.student2.pk].status == "nv"
    assert results[cast.student2.pk].mark is None


def test_absent_needs_a_reason_and_a_mark_needs_its_status(cast, login, commission):
    client = login(cast.teacher)
    response = client.post(url(commission), row(cast.student, status="absent"))
    assert "Indiquez le motif de l&#x27;absence." in response.content.decode()
    response = client.post(url(commission), row(cast.student, status="reserved", mark="12"))
    assert "Une note ne va qu&#x27;avec le statut" in response.content.decode()
    response = client.post(url(commission), row(cast.student, status="mark"))
    assert "Indiquez la note sur 20" in response.content.decode()
    assert not CandidateResult.objects.exists()


def test_warnings_are_shown_but_never_block_a_save(cast, login, commission):
    agree_grid(commission, cast.student, "TS-S-NE-S")
    agree_grid(commission, cast.student2, "S-S-NE-S")
    client = login(cast.teacher)
    data = {**row(cast.student, mark="10"), **row(cast.student2, mark="14")}
    assert client.post(url(commission), data).status_code == 302
    assert CandidateResult.objects.filter(status="mark").count() == 2
    html = client.get(url(commission)).content.decode()
    assert "Emma ÉTUDIANTE a un profil qui domine celui de Lucas ÉTUDIANT mais une note inférieure" in html


def test_locked_rows_are_read_only(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    make_result(commission, cast.student, profile="S-S-NE-S", mark="12", locked=True)
    html = login(cast.teacher).get(url(commission)).content.decode()
    assert "verrouillé (fiche signée)" in html
    field = html.split(f'name="c{cast.student.pk}-mark"')[1].split(">")[0]
    assert "disabled" in field


def test_a_change_to_a_locked_row_is_refused_and_nothing_is_saved(cast, login, commission):
    result = make_result(commission, cast.student, profile="S-S-NE-S", mark="12", locked=True)
    data = {**row(cast.student, mark="15", version=result.version), **row(cast.student2, mark="10")}
    response = login(cast.teacher).post(url(commission), data)
    assert response.status_code == 409
    assert "résultat verrouillé" in response.content.decode()
    result.refresh_from_db()
    assert result.mark == Decimal(12)
    assert not CandidateResult.objects.filter(student=cast.student2).exists()


def test_a_stale_submit_is_refused_and_the_input_is_kept(cast, login, commission):
    result = make_result(commission, cast.student, mark="12")
    # Someone else changes the mark after the page was shown (version 1 → 2).
    result.mark, result.version, result.updated_by = Decimal(14), 2, cast.teacher2
    result.save()
    client = login(cast.teacher)
    response = client.post(url(commission), row(cast.student, mark="11", version=1))
    assert response.status_code == 409
    html = response.content.decode()
    assert "le résultat a été modifié par Berthe PROF pendant votre saisie (valeur actuelle : note 14)" in html
    form = next(r.form for r in response.context["page"].rows if r.student == cast.student)
    assert form["mark"].value() == "11"
    assert form["version"].value() == "2"
    result.refresh_from_db()
    assert result.mark == Decimal(14)
    # Submitting again, now based on the current version, is a deliberate overwrite.
    assert client.post(url(commission), row(cast.student, mark="11", version=2)).status_code == 302
    result.refresh_from_db()
    assert (result.mark, result.version) == (Decimal(11), 3)


def test_a_stale_row_left_untouched_does_not_conflict(cast, login, commission):
    result = make_result(commission, cast.student, mark="12")
    result.version = 5
    result.save()
    response = login(cast.teacher).post(url(commission), row(cast.student, status="mark", mark="12", version=1))
    assert response.status_code == 302


def test_an_administrator_reads_without_fields_to_fill(cast, login, commission):
    agree_grid(commission, cast.student, "S-S-NE-S")
    client = login(cast.admin)
    response = client.get(url(commission))
    assert response.status_code == 200
    assert "Lecture seule" in response.content.decode()
    assert client.post(url(commission), row(cast.student, mark="12")).status_code == 403


def test_a_professional_member_sets_marks(cast, login, commission):
    from tests.factories_certification_commissions import add_member

    add_member(commission, cast.professional, "professional")
    assert login(cast.professional).post(url(commission), row(cast.student, mark="12")).status_code == 302


def test_students_never_see_the_page(cast, login, commission):
    assert login(cast.student).get(url(commission)).status_code == 404


def test_the_profile_codes_are_defined_in_words_on_the_page(cast, login, commission):
    html = login(cast.teacher).get(url(commission)).content.decode()
    legend = html.split('<dl class="competency-legend"')[1].split("</dl>")[0]
    assert "<dt>C1</dt><dd>" in legend and "<dt>NE</dt>" in legend
    assert "<dt>fixé par la commission</dt>" in legend and "<dt>proposé par la grille</dt>" in legend
