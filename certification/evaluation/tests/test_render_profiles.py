"""certification/render_profiles.py writes the profiles page's groups as the template used to, without the engine.

Each field is compared to Django's own rendering of the same form field (``str(form[name])``), and the whole groups
section to the template loop the page used before (kept below), on a group with every kind of row: locked, NV
dossier, conformity reserved, profile edited, incomplete profile, names and reasons to escape, errors.
"""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.template import engines
from django.urls import reverse

from certification import render_profiles
from certification.evaluation.forms import RangeForm, ResultRowForm
from certification.evaluation.selectors.marks import load_group
from certification.evaluation.services.marks import mark_step
from certification.evaluation.views import marks as views_marks
from certification.models import ConformityCheck
from tests.factories_certification_conformity import CHECKED_ON
from tests.factories_certification_dossiers import make_dossier
from tests.factories_certification_marks import agree_grid, make_marks_commission, make_range, make_result
from tests.personas import make_student

SCRIPT = "<script>alert('x')</script> & \"co\""

# The loop of templates/certification/evaluation/profiles.html before it was in Python (render_profiles.py),
# with the shapes (E4: the compétence of situation B) added since: the readable reference of render_profiles writes.
OLD_GROUPS = """
  {% for shape in shapes %}{% if page.has_choice %}
  <section class="profile-shape" aria-labelledby="forme-{{ forloop.counter }}">
  <h2 id="forme-{{ forloop.counter }}" class="profile-shape-heading">{{ shape.heading }} <small>({{ shape.count }} candidat{{ shape.count|pluralize }})</small></h2>
  {% endif %}
  {% for group in shape.groups %}
  <section class="card profile-group{% if not group.complete %} profile-incomplete{% endif %}" aria-labelledby="profil-{{ group.number }}">
    <{{ heading }} id="profil-{{ group.number }}">
      {% if group.complete %}Profil{% elif group.pending %}Profil en attente{% else %}Profil incomplet{% endif %} <span class="profile-key">{{ group.key }}</span>
      <small>({{ group.rows|length }} candidat{{ group.rows|length|pluralize }})</small>
    </{{ heading }}>
    <ul class="profile-levels" aria-label="Niveau par compétence">
      {% for competency, code in group.levels %}<li><span class="competency-number">C{{ competency.order }}</span> {% if code == "?" %}<span class="level">?</span>{% elif code == "NE" %}<span class="level level-not-assessed" title="non évaluée">NE</span>{% else %}<span class="level grid-level" data-grid-level="{{ code }}">{{ code }}</span>{% endif %}</li>{% endfor %}
    </ul>
    {% if group.pending %}<p class="help">{{ group.pending_message|capfirst }} : le profil sera comparé à ceux de même forme une fois la fiche retenue enregistrée.</p>
    {% elif not group.complete %}<p class="help">Une compétence évaluée au moins n'est pas positionnée : complétez la grille commune ou arrêtez le profil sur la page du candidat.</p>{% endif %}
    {% if group.dominated %}<p class="help">Domine les profils : {{ group.dominated|join:", " }}.</p>{% endif %}

    {% if group.range_form %}{% with form=group.range_form %}
    <fieldset class="range-fieldset">
      <legend>Notes que la commission se donne pour ce profil</legend>
      {% for error in form.non_field_errors %}<p class="error">{{ error }}</p>{% endfor %}
      {% if editable %}<input type="hidden" name="plage" value="{{ group.key }}">{% endif %}
      <label for="{{ form.low.id_for_label }}">de</label> {{ form.low }}
      <label for="{{ form.high.id_for_label }}">à</label> {{ form.high }} <span aria-hidden="true">/ 20</span>
      {% if form.low.errors %}<div class="error" id="{{ form.low.auto_id }}_error">{% for error in form.low.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}
      {% if form.high.errors %}<div class="error" id="{{ form.high.auto_id }}_error">{% for error in form.high.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}
    </fieldset>
    {% endwith %}{% endif %}

    <div class="table-wrap"><table class="table results-table">
      <caption class="visually-hidden">Candidats du profil {{ group.key }}</caption>
      <thead><tr><th scope="col">Candidat·e</th><th scope="col">Profil</th><th scope="col">Statut</th><th scope="col">Note / 20</th><th scope="col">Motif d'absence</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
      {% for row in group.rows %}{% with form=row.form %}
      <tr id="candidat-{{ row.student.pk }}"{% if row.locked %} class="locked"{% endif %}>
        <th scope="row">{{ row.student }}{% if row.student.candidate_number %}<br><small>n° {{ row.student.candidate_number }}</small>{% endif %}
          {% if row.locked %}<br><span class="tag tag-ok">verrouillé (fiche signée)</span>{% endif %}
          {% if row.dossier_nv %}<br><span class="tag tag-err">dossier NV</span>{% elif row.conformity == "reserve" %}<br><span class="tag tag-warn">conformité réservée</span>{% endif %}
        </th>
        <td>{% if row.edited %}<span class="tag tag-ok">fixé par la commission</span>{% else %}<span class="tag tag-warn">proposé par la grille</span>{% endif %}
          {% if row.proposal_differs %}<br><small>la grille commune propose {{ row.proposal_key }}</small>{% endif %}
        </td>
        <td>
          <label for="{{ form.status.id_for_label }}" class="visually-hidden">Statut de {{ row.student }}</label>{{ form.status }}
          {{ form.version }}
          {% if form.status.errors %}<div class="error" id="{{ form.status.auto_id }}_error">{% for error in form.status.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}
        </td>
        <td>
          <label for="{{ form.mark.id_for_label }}" class="visually-hidden">Note sur 20 de {{ row.student }}</label>{{ form.mark }}
          {% if group.suggestion %}<small class="suggestion">{{ group.suggestion }}</small>{% endif %}
          {% if form.mark.errors %}<div class="error" id="{{ form.mark.auto_id }}_error">{% for error in form.mark.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}
        </td>
        <td>
          <label for="{{ form.absent_reason.id_for_label }}" class="visually-hidden">Motif d'absence de {{ row.student }}</label>{{ form.absent_reason }}
          {% if form.absent_reason.errors %}<div class="error" id="{{ form.absent_reason.auto_id }}_error">{% for error in form.absent_reason.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endif %}
        </td>
        <td>
          <a href="{% url 'certification:result_edit' commission.pk row.student.pk %}">Profil et résultat<span class="visually-hidden"> de {{ row.student }}</span></a>
          {% if row.locked and is_responsible %}<br><a href="{% url 'certification:result_reopen' commission.pk row.student.pk %}">Rouvrir<span class="visually-hidden"> le résultat de {{ row.student }}</span></a>{% endif %}
        </td>
      </tr>
      {% endwith %}{% endfor %}
      </tbody>
    </table></div>
    {% if editable %}<p class="profile-save"><button type="submit" class="button" name="groupe" value="{{ group.number }}">Enregistrer les plages et les notes<span class="visually-hidden"> (profil {{ group.key }})</span></button></p>{% endif %}
  </section>
  {% endfor %}
  {% if page.has_choice %}</section>{% endif %}
  {% endfor %}
"""  # noqa: E501 - the template as it was


def _normalize(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


def _old(page, commission, *, editable: bool, is_responsible: bool) -> str:
    template = engines["django"].from_string(OLD_GROUPS)
    shapes = page.shapes if page.has_choice else [SimpleNamespace(groups=page.groups)]
    for number, group in enumerate((group for shape in shapes for group in shape.groups), start=1):
        group.number = number
    context = {
        "page": page,
        "shapes": shapes,
        "heading": "h3" if page.has_choice else "h2",
        "commission": commission,
        "editable": editable,
        "is_responsible": is_responsible,
    }
    return template.render(context)


# --- Fields -------------------------------------------------------------------------------------------------------

ROW_INITIALS = [
    {"status": "pending", "mark": None, "absent_reason": "", "version": 0},
    {"status": "mark", "mark": Decimal("12.5"), "absent_reason": "", "version": 3},
    {"status": "absent", "mark": Decimal("12"), "absent_reason": SCRIPT, "version": 1},
]
ROW_DATA = [
    {"c7-status": "mark", "c7-mark": "25", "c7-absent_reason": "", "c7-version": "1"},
    {"c7-status": "absent", "c7-mark": SCRIPT, "c7-absent_reason": "", "c7-version": "x"},
    {"c7-status": SCRIPT, "c7-mark": "12,5", "c7-absent_reason": SCRIPT, "c7-version": "2"},
]


def _kinds(form_class):
    if form_class is ResultRowForm:
        return {
            "status": render_profiles.STATUS,
            "mark": render_profiles.MARK,
            "absent_reason": render_profiles.ABSENT_REASON,
            "version": render_profiles.VERSION,
        }
    return {"low": render_profiles.LOW, "high": render_profiles.HIGH}


def _assert_fields_like_django(form):
    form.is_bound and form.is_valid()
    kinds = _kinds(type(form))
    for name, state in render_profiles.field_states(form).items():
        assert kinds[name].render(state) == str(form[name]), name


def _unbound_like_django(form_class, prefix: str, initial: dict, disabled: bool):
    """The unbound form as the page builds it (fields disabled or not), its fields checked against Django's."""
    form = form_class(prefix=prefix, initial=initial, step=Decimal("0.5"))
    for field in form.fields.values():
        field.disabled = disabled
    _assert_fields_like_django(form)
    return form


@pytest.mark.parametrize("initial", ROW_INITIALS)
@pytest.mark.parametrize("disabled", [False, True])
def test_row_fields_from_the_initial_values_are_djangos(initial, disabled):
    form = _unbound_like_django(ResultRowForm, "c7", initial, disabled)
    states = render_profiles.row_states("c7", initial, disabled)
    for name, kind in _kinds(ResultRowForm).items():
        assert kind.render(states[name]) == str(form[name])


@pytest.mark.parametrize("data", ROW_DATA)
def test_submitted_row_fields_with_errors_are_djangos(data):
    form = ResultRowForm(QueryDict(mutable=True) | data, prefix="c7", initial=ROW_INITIALS[1], step=Decimal("1"))
    assert not form.is_valid()
    _assert_fields_like_django(form)
    html = render_profiles.MARK.render(render_profiles.field_states(form)["mark"])
    assert 'aria-invalid="true" aria-describedby="id_c7-mark_error"' in html
    assert "<script>" not in "".join(
        render_profiles.STATUS.render(s) for s in render_profiles.field_states(form).values()
    )


@pytest.mark.parametrize("initial", [{}, {"low": Decimal("10"), "high": Decimal("12.5")}])
@pytest.mark.parametrize("disabled", [False, True])
def test_range_fields_are_djangos(initial, disabled):
    form = _unbound_like_django(RangeForm, "plage-S-TS", initial, disabled)
    states = render_profiles.range_states("plage-S-TS", initial, disabled)
    assert render_profiles.LOW.render(states["low"]) == str(form["low"])
    assert render_profiles.HIGH.render(states["high"]) == str(form["high"])
    bound = RangeForm({"plage-S-TS-low": "15", "plage-S-TS-high": "x"}, prefix="plage-S-TS", step=Decimal("1"))
    _assert_fields_like_django(bound)


# --- The whole section ---------------------------------------------------------------------------------------------


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
def test_a_plain_get_writes_what_the_template_wrote(group, editable, is_responsible):
    page = load_group(group)
    step = mark_step(group.session)
    views_marks._lazy_forms(page, step, editable)
    new = views_marks._groups_html(page, group, editable=editable, is_responsible=is_responsible, from_forms=False)
    views_marks._bind_forms(page, None, step, editable)
    from_forms = views_marks._groups_html(
        page, group, editable=editable, is_responsible=is_responsible, from_forms=True
    )
    assert str(new) == str(from_forms)
    assert _normalize(new) == _normalize(_old(page, group, editable=editable, is_responsible=is_responsible))
    assert "<script>" not in new and "<b>Zoé</b>" not in new
    assert "Profil incomplet" in new and "dossier NV" in new and "conformité réservée" in new
    assert ("Rouvrir" in new) == is_responsible
    assert ('name="plage"' in new) == editable


def test_a_submitted_page_with_errors_writes_what_the_template_wrote(cast, group):
    page = load_group(group)
    rows = {row.student.pk: row for row in page.rows}
    data = QueryDict(mutable=True)
    data.update({f"c{cast.student2.pk}-status": "mark", f"c{cast.student2.pk}-mark": "21"})
    data.update({f"c{cast.student2.pk}-absent_reason": "", f"c{cast.student2.pk}-version": "1"})
    data.update({"plage-S-S-NE-S-low": "15", "plage-S-S-NE-S-high": "12"})
    views_marks._bind_forms(page, data, mark_step(group.session), True)
    for row in rows.values():
        row.form.is_bound and row.form.is_valid()
    new = views_marks._groups_html(page, group, editable=True, is_responsible=True, from_forms=True)
    assert _normalize(new) == _normalize(_old(page, group, editable=True, is_responsible=True))
    # The invalid mark names its message, and the message carries that id (screen readers read it with the field).
    assert f'aria-describedby="id_c{cast.student2.pk}-mark_error"' in new
    assert f'<div class="error" id="id_c{cast.student2.pk}-mark_error"><p>' in new
    assert "La borne basse doit être inférieure ou égale à la borne haute." in new


def test_the_page_shows_the_rows_with_their_links(cast, login, group):
    response = login(cast.teacher).get(reverse("certification:profiles", args=[group.pk]))
    html = response.content.decode()
    assert f'href="{reverse("certification:result_edit", args=[group.pk, cast.student.pk])}"' in html
    assert f'href="{reverse("certification:result_reopen", args=[group.pk, cast.student.pk])}"' in html
    assert "&lt;b&gt;Zoé&lt;/b&gt;" in html
    assert response.context["page"].rows[0].form["status"].value()
