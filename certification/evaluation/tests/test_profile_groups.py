"""templates/certification/evaluation/includes/profile_groups.html: the profiles page's groups, a row of fields per
candidate.

On a group with every kind of row (locked, NV dossier, conformity reserved, profile edited, incomplete profile, names
and reasons to escape, errors): the page written from the initial values (a plain GET builds no form) is the page
written from the unbound forms, the fields carry the forms' names, values and ids, errors are tied to their field.
"""

import re
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse

from certification.evaluation.forms.marks import ResultRowForm
from certification.evaluation.selectors.marks import load_group
from certification.evaluation.services.marks import mark_step
from certification.evaluation.views import marks as views_marks
from certification.models import ConformityCheck, ResultStatus
from tests.factories_certification_conformity import CHECKED_ON
from tests.factories_certification_dossiers import make_dossier
from tests.factories_certification_marks import agree_grid, make_marks_commission, make_range, make_result
from tests.personas import make_student

SCRIPT = "<script>alert('x')</script> & \"co\""


def _html(page, commission, *, editable: bool, is_responsible: bool, from_forms: bool) -> str:
    context = {
        "shapes": views_marks._page_fields(page, editable=editable, from_forms=from_forms),
        "in_shapes": page.has_choice,
        "status_choices": ResultStatus.choices,
        "commission_pk": commission.pk,
        "editable": editable,
        "is_responsible": is_responsible,
    }
    return render_to_string("certification/evaluation/includes/profile_groups.html", context)


def _field(html: str, name: str) -> str:
    """The tag of the field named ``name``."""
    return re.search(rf'<(?:input|select)[^>]* name="{re.escape(name)}"[^>]*>', html).group(0)


@pytest.fixture
def group(cast):
    """Every kind of row: edited and locked, NV dossier with a reason to escape, reserved, incomplete, a range."""
    commission = make_marks_commission(cast)
    agree_grid(commission, cast.student, "S-S-NE-S")
    make_result(commission, cast.student, profile="TS-S-NE-S", mark="12.5", locked=True)
    agree_grid(commission, cast.student2, "S-S-NE-S")
    make_result(commission, cast.student2, status="absent", absent_reason=SCRIPT)
    nv = ConformityCheck.objects.create(
        dossier=make_dossier(cast.student2), decision="nv", checked_on=CHECKED_ON, decided_by=cast.teacher
    )
    odd = make_student("odd", "<b>Zoé</b>", 'O\'Brien & "Co"', cast.cohort, number="<42>")
    agree_grid(commission, odd, "S-S-NE-S")
    ConformityCheck.objects.create(
        dossier=make_dossier(odd), decision="reserve", checked_on=CHECKED_ON, decided_by=cast.teacher
    )
    plain = make_student("plain", "Paul", "Sans", cast.cohort)
    agree_grid(commission, plain, "S-?-NE-S")
    make_range(commission, "S-S-NE-S", "12", "14.5")
    make_range(commission, "TS-S-NE-S", "15", "16")
    assert nv.pk
    return commission


@pytest.mark.parametrize(("editable", "is_responsible"), [(True, True), (True, False), (False, False)])
def test_a_plain_get_writes_what_the_unbound_forms_would(group, editable, is_responsible):
    page = load_group(group)
    step = mark_step(group.session)
    views_marks._lazy_forms(page, step, editable)
    new = _html(page, group, editable=editable, is_responsible=is_responsible, from_forms=False)
    views_marks._bind_forms(page, None, step, editable)
    assert new == _html(page, group, editable=editable, is_responsible=is_responsible, from_forms=True)
    assert "<script>" not in new and "<b>Zoé</b>" not in new
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in new and "&amp; &quot;" in new  # the name O'Brien & "Co"
    assert "Profil incomplet" in new and "dossier NV" in new and "conformité réservée" in new
    assert ("Rouvrir" in new) == is_responsible
    assert ('name="plage"' in new) == editable
    assert new.count('<section class="card profile-group') == len(page.groups)


def test_the_fields_carry_the_forms_names_values_and_state(cast, group):
    page = load_group(group)
    views_marks._lazy_forms(page, mark_step(group.session), True)
    html = _html(page, group, editable=True, is_responsible=True, from_forms=False)
    locked, absent = f"c{cast.student.pk}", f"c{cast.student2.pk}"
    assert _field(html, f"{locked}-mark") == (
        f'<input type="text" name="{locked}-mark" value="12,5" inputmode="decimal" size="4" autocomplete="off" '
        f'disabled id="id_{locked}-mark">'
    )
    status = re.search(rf'<select name="{absent}-status".*?</select>', html).group(0)
    assert f'id="id_{absent}-status"' in status and "disabled" not in status
    assert re.findall(r'<option value="(\w+)" selected>', status) == ["absent"]
    assert len(re.findall(r"<option ", status)) == len(ResultStatus.choices)
    assert 'value="&lt;script&gt;' in _field(html, f"{absent}-absent_reason")
    assert re.search(rf'type="hidden" name="{absent}-version" value="\d+"', html)
    assert f'<label for="id_{absent}-mark" class="visually-hidden">Note sur 20 de ' in html
    assert _field(html, "plage-S-S-NE-S-high").startswith('<input type="text" name="plage-S-S-NE-S-high" value="14,5"')


def test_a_submitted_page_ties_each_error_to_its_field(cast, group):
    page = load_group(group)
    prefix = f"c{cast.student2.pk}"
    data = QueryDict(mutable=True)
    data.update({f"{prefix}-status": "mark", f"{prefix}-mark": "21", f"{prefix}-absent_reason": SCRIPT})
    data.update({f"{prefix}-version": "1", "plage-S-S-NE-S-low": "15", "plage-S-S-NE-S-high": "12"})
    views_marks._bind_forms(page, data, mark_step(group.session), True)
    for row in page.rows:
        row.form.is_bound and row.form.is_valid()
    for group_ in page.groups:
        group_.range_form is not None and group_.range_form.is_bound and group_.range_form.is_valid()
    html = _html(page, group, editable=True, is_responsible=True, from_forms=True)
    mark = _field(html, f"{prefix}-mark")
    assert 'value="21"' in mark and f'aria-invalid="true" aria-describedby="id_{prefix}-mark_error"' in mark
    assert f'<div class="error" id="id_{prefix}-mark_error"><p>La note est sur 20 : pas plus de 20.</p></div>' in html
    assert "aria-invalid" not in _field(html, f"{prefix}-absent_reason")
    assert '<p class="error">La borne basse doit être inférieure ou égale à la borne haute.</p>' in html
    assert "<script>" not in html


def test_a_bound_row_shows_what_was_typed_as_the_form_reads_it():
    form = ResultRowForm({"c7-status": "mark", "c7-mark": "12,5"}, prefix="c7", step=Decimal("0.5"))
    states = views_marks._form_states(form)
    assert states["mark"] == views_marks.FieldState("c7-mark", "12,5", False, [])
    assert states["status"].value == "mark"
    assert states["version"].errors  # required


def test_the_page_shows_the_rows_with_their_links(cast, login, group):
    response = login(cast.teacher).get(reverse("certification:profiles", args=[group.pk]))
    html = response.content.decode()
    assert f'href="{reverse("certification:result_edit", args=[group.pk, cast.student.pk])}"' in html
    assert f'href="{reverse("certification:result_reopen", args=[group.pk, cast.student.pk])}"' in html
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in html
    assert response.context["page"].rows[0].form["status"].value()


def test_an_exam_without_a_choice_shows_its_profiles_without_shapes(cast, login):
    from tests.factories_certification_marks import competencies_of

    commission = make_marks_commission(cast, "E6")
    key = "-".join(["S"] * len(competencies_of(commission)))
    agree_grid(commission, cast.student, key)
    make_range(commission, key, "11", "13")
    html = login(cast.teacher).get(reverse("certification:profiles", args=[commission.pk])).content.decode()
    assert 'class="profile-shape"' not in html
    assert f'<h2 id="profil-1">\n    Profil <span class="profile-key">{key}</span>' in html
    assert f'name="plage-{key}-low" value="11"' in html
    assert f'<tr id="candidat-{cast.student.pk}">' in html
