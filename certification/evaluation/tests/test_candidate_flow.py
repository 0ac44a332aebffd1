"""One flow per candidate: « candidat suivant » and « étape suivante » on the grid, result and sheet pages.

The candidates follow the commission page's order (last name, first name); a « save and go on » button works
without JavaScript (the view redirects); the last candidate says so; a professional member only ever meets the
candidates of the commission they sit on. The redirect after a save ends with ``#messages``.
"""

import re

import pytest
from django.urls import reverse

from certification.models import EvaluationSheet, Grid, MemberRole, Signature
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_grids import fill_grid, grid_post, make_grid_commission, seat
from tests.factories_certification_sheets import make_result, make_sheet
from tests.personas import PASSWORD, make_student


def _grid(commission, student):
    return reverse("certification:grid_member", args=[commission.pk, student.pk])


def _agreed(commission, student):
    return reverse("certification:grid_agreed", args=[commission.pk, student.pk])


def _sheet(commission, student):
    return reverse("certification:evaluation_sheet", args=[commission.pk, student.pk])


@pytest.fixture
def anna(cast):
    """A third candidate of the class, first in the commission page's order (BERNARD before ÉTUDIANT)."""
    return make_student("anna", "Anna", "BERNARD", cast.cohort)


def test_the_candidates_follow_the_commission_pages_order(cast, login, anna):
    # FABRE after ÉTUDIANT·E in French order (É sorts with E), though « É » comes after « F » in code points.
    fabre = make_student("fabre", "Félix", "FABRE", cast.cohort)
    everyone = (anna, cast.student, cast.student2, fabre)
    commission = make_grid_commission(cast)
    client = login(cast.teacher)
    page = client.get(reverse("certification:commission_detail", args=[commission.pk])).content.decode()
    students_table = page[page.index('id="etudiants"') :]
    on_commission_page = sorted((str(s) for s in everyone), key=students_table.index)
    assert on_commission_page == [str(anna), str(cast.student2), str(cast.student), str(fabre)]
    # Each grid links to the next one of that list, the last one says it is the last.
    for current, following in zip(on_commission_page, on_commission_page[1:], strict=False):
        student = next(s for s in everyone if str(s) == current)
        html = client.get(_grid(commission, student)).content.decode()
        link = re.search(r'<a href="([^"]+)" rel="next">Candidat suivant : ([^<]+)</a>', html)
        assert link.group(2) == following
        assert "Enregistrer et passer au candidat suivant" in html
    html = client.get(_grid(commission, fabre)).content.decode()
    assert 'rel="next"' not in html and "Dernier candidat de la commission" in html
    assert 'value="candidat"' not in html
    assert "Candidat 4 sur 4" in html


def test_save_and_next_saves_the_grid_then_opens_the_next_candidates_grid(cast, login, anna):
    commission = make_grid_commission(cast)
    first, second = cast.student2, cast.student  # ÉTUDIANT Lucas, then ÉTUDIANTE Emma
    response = login(cast.teacher).post(_grid(commission, first), {**grid_post(commission, ["S"]), "suite": "candidat"})
    assert response.status_code == 302
    assert response["Location"] == _grid(commission, second) + "#messages"
    assert Grid.objects.get(student=first, member=seat(commission, cast.teacher)).version == 1
    page = login(cast.teacher).get(response["Location"]).content.decode()
    assert f"Grille de {first} enregistrée (version 1)." in page
    assert 'id="messages"' in page


def test_save_and_next_on_the_last_candidate_stays_and_says_so(cast, login, anna):
    commission = make_grid_commission(cast)
    client = login(cast.teacher)
    response = client.post(_grid(commission, cast.student), {**grid_post(commission, ["S"]), "suite": "candidat"})
    assert response["Location"] == _grid(commission, cast.student) + "#messages"
    assert "il n’y a pas de candidat suivant" in client.get(response["Location"]).content.decode()


def test_a_refused_save_does_not_move_to_the_next_candidate(cast, login, anna):
    commission = make_grid_commission(cast, informed=False)
    client = login(cast.teacher)
    response = client.post(_grid(commission, cast.student2), {**grid_post(commission, ["S"]), "suite": "candidat"})
    assert response.status_code == 200
    assert not Grid.objects.filter(student=cast.student2).exists()


def test_a_professional_member_only_meets_the_candidates_of_their_commission(cast, login):
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    client = login(cast.professional)
    html = client.get(_grid(commission, cast.student2)).content.decode()
    assert f"Candidat suivant : {cast.student}" in html
    assert str(cast.other_student) not in html
    assert f"/candidats/{cast.other_student.pk}/" not in html
    # Another class's candidate through this commission: 404; the next candidate's page opens.
    assert client.get(_grid(commission, cast.other_student)).status_code == 404
    assert client.get(_grid(commission, cast.student)).status_code == 200
    # A commission they do not sit on: 404, no neighbour is revealed.
    other = make_grid_commission(cast, "E6")
    assert client.get(_grid(other, cast.student)).status_code == 404


def test_the_agreed_grid_saves_then_opens_the_evaluation_sheet(cast, login):
    commission = make_grid_commission(cast)
    response = login(cast.teacher).post(
        _agreed(commission, cast.student), {**grid_post(commission, ["S"]), "suite": "fiche"}
    )
    assert response["Location"] == _sheet(commission, cast.student) + "#messages"
    assert Grid.objects.get(student=cast.student, member=None).version == 1


def test_the_agreed_grid_leaves_disagreements_open_and_prefills_the_rest(cast, login):
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    fill_grid(commission, cast.student, seat(commission, cast.teacher), ["S", "TS"])
    fill_grid(commission, cast.student, seat(commission, cast.professional), ["S", "I"])
    html = login(cast.teacher).get(_agreed(commission, cast.student)).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)[1:3]  # after the heading row: the first two critères
    checked = [re.search(r'value="(\w*)" checked', row).group(1) for row in rows]
    assert checked == ["S", ""]
    assert "pré-rempli" in rows[0] and 'class="grid-disagreement"' not in rows[0]
    assert rows[1].startswith('<tr class="grid-disagreement">') and "Désaccord : I / TS" in rows[1]


def test_the_result_page_saves_then_opens_the_evaluation_sheet(cast, login):
    commission = make_commission(cast)
    url = reverse("certification:result_edit", args=[commission.pk, cast.student.pk])
    client = login(cast.teacher)
    html = client.get(url).content.decode()
    assert (
        "Étape suivante : Fiche d&#x27;évaluation et signature" in html or "Étape suivante : Fiche d'évaluation" in html
    )
    data = {"status": "pending", "mark": "", "absent_reason": "", "version": "0", "suite": "etape"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == _sheet(commission, cast.student) + "#messages"


def _sheet_post(**overrides):
    data = {"version": "0", "date_A": "2027-05-20", "text_A": "Bonne analyse.", "date_B": "", "text_B": ""}
    return {**data, **overrides}


def test_the_evaluation_sheet_is_saved_and_signed_in_one_post(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student)
    client = login(cast.teacher)
    html = client.get(_sheet(commission, cast.student)).content.decode()
    assert 'name="signature-password"' in html and "Enregistrer et signer" in html
    response = client.post(
        _sheet(commission, cast.student), _sheet_post(**{"suite": "signer", "signature-password": PASSWORD})
    )
    assert response.status_code == 302 and response["Location"] == _sheet(commission, cast.student) + "#messages"
    sheet = EvaluationSheet.objects.get(commission=commission, student=cast.student)
    assert Signature.objects.filter(sheet=sheet, member__user=cast.teacher, sheet_version=sheet.version).exists()


def _aria_of(html: str, field_id: str) -> tuple[str, str]:
    tag = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html).group(0)
    invalid = re.search(r'aria-invalid="(\w+)"', tag)
    described = re.search(r'aria-describedby="([^"]+)"', tag)
    return (invalid.group(1) if invalid else ""), (described.group(1) if described else "")


def test_a_wrong_password_on_save_and_sign_is_tied_to_the_field_and_the_sheet_is_saved(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student)
    response = login(cast.teacher).post(
        _sheet(commission, cast.student), _sheet_post(**{"suite": "signer", "signature-password": "pas le bon"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    invalid, described = _aria_of(html, "id_signature-password")
    assert invalid == "true" and "id_signature-password_error" in described.split()
    error = re.search(r'<div class="error" id="id_signature-password_error">(.*?)</div>', html, re.S).group(1)
    assert "Mot de passe incorrect" in error
    assert EvaluationSheet.objects.get(commission=commission, student=cast.student).version == 1
    assert not Signature.objects.exists()


def test_a_wrong_password_on_the_signature_page_is_tied_to_the_field(cast, login):
    commission = make_commission(cast)
    make_result(commission, cast.student)
    make_sheet(commission, cast.student)
    url = reverse("certification:evaluation_sign", args=[commission.pk, cast.student.pk])
    html = login(cast.teacher).post(url, {"password": "pas le bon"}).content.decode()
    invalid, described = _aria_of(html, "id_password")
    assert invalid == "true" and "id_password_error" in described.split()
    assert 'id="id_password_error"' in html


def test_the_signature_page_leads_back_to_the_sheet_at_its_messages(cast, login):
    commission = make_commission(cast)
    add_member(commission, cast.teacher2)
    make_result(commission, cast.student)
    make_sheet(commission, cast.student)
    url = reverse("certification:evaluation_sign", args=[commission.pk, cast.student.pk])
    response = login(cast.teacher).post(url, {"password": PASSWORD})
    assert response["Location"] == _sheet(commission, cast.student) + "#messages"


def test_the_profiles_page_has_a_save_per_profile_and_comes_back_at_the_messages(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, ["S"] * 11)
    fill_grid(commission, cast.student2, None, ["TS"] * 11)
    client = login(cast.teacher)
    url = reverse("certification:profiles", args=[commission.pk])
    html = client.get(url).content.decode()
    groups = re.findall(r'<section class="card profile-group.*?</section>', html, re.S)
    assert len(groups) == 2
    for number, group in enumerate(groups, start=1):
        assert f'<button type="submit" class="button" name="groupe" value="{number}">' in group
    response = client.post(url, {"groupe": "1"})
    assert response.status_code == 302 and response["Location"] == url + "#messages"


def test_the_profiles_page_has_no_save_for_a_reader(cast, login):
    commission = make_grid_commission(cast)
    fill_grid(commission, cast.student, None, ["S"] * 11)
    html = login(cast.admin).get(reverse("certification:profiles", args=[commission.pk])).content.decode()
    assert 'name="groupe"' not in html


def test_save_and_sign_without_a_mark_saves_the_sheet_and_says_why_it_is_not_signed(cast, login):
    commission = make_commission(cast)  # no result: the mark is not set yet
    response = login(cast.teacher).post(
        _sheet(commission, cast.student), _sheet_post(**{"suite": "signer", "signature-password": PASSWORD})
    )
    assert response.status_code == 200
    assert "La commission n&#x27;a pas encore fixé la note" in response.content.decode()
    assert EvaluationSheet.objects.get(commission=commission, student=cast.student).version == 1
    assert not Signature.objects.exists()
