"""passeport/render_passeport.py writes the passeport's loops in Python: the same HTML as the template it replaced.

REFERENCE holds the loops of templates/passeport/passeport.html as they were before (only the attribute names
follow the flat rows of ``passeport_for``); each fragment must equal their output, whitespace aside.
"""

import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import Student
from passeport import render_passeport, selectors
from passeport.models import FormativeAssessment
from passeport.services.followup import create_formative_assessment
from passeport.views_passeport import _profile_chart
from tests.factories import add_evidence, criteria, level, make_activity, make_fiche

REFERENCE = {
    "timeline_html": """
  <ol class="timeline">
    {% for entry in p.timeline %}
    <li>
      <p class="timeline-date">{{ entry.date|date:"d/m/Y" }}</p>
      {% if entry.activity %}{% with a=entry.activity %}
      <p class="timeline-title"><span class="activity-number">A{{ entry.number }}</span>
        <a href="{% url 'passeport:activity_detail' a.pk %}">{{ a.title }}</a>
        {% if a.validated %}<span class="tag tag-ok">Validée en formation</span>{% endif %}</p>
      <p class="help">{{ a.setting_label }} — {{ a.nature_label }}{% if a.organisation %} — {{ a.organisation }}{% endif %}{% if a.end_date and a.end_date != a.start_date %} — jusqu'au {{ a.end_date|date:"d/m/Y" }}{% endif %} — {{ a.evidence_count }} preuve{{ a.evidence_count|pluralize }}</p>
      {% endwith %}{% else %}
      <p class="timeline-title">Activité collective : {{ entry.fiches.0.activity_title }}</p>
      {% endif %}
      {% if entry.fiches %}
      <ul class="fiches">
        {% for f in entry.fiches %}
        <li><a href="{% url 'passeport:fiche_edit' f.pk %}">Fiche {{ f.exam_code }} n° {{ f.number }} – {{ f.title }}</a> <span class="help">({{ f.kind_label }}{% if f.real_lived %}, activité réelle vécue{% endif %})</span></li>
        {% endfor %}
      </ul>
      {% endif %}
    </li>
    {% endfor %}
  </ol>""",  # noqa: E501 - the template as it was
    "matrices_html": """
{% for matrix in p.matrices %}
<section class="card" aria-labelledby="criteres-{{ matrix.exam.code|lower }}">
  <h2 id="criteres-{{ matrix.exam.code|lower }}">Critères {{ matrix.exam.code }} mobilisés par les activités</h2>
  <p class="help">Colonnes A1, A2… : les activités numérotées comme dans la liste ci-dessus. ● : l'activité mobilise le critère. « Preuves » : fichiers joints aux activités qui le mobilisent.</p>
  <div class="table-wrap">
    <table class="table matrix">
      <caption class="visually-hidden">{{ matrix.exam.code }} – {{ matrix.exam.title }} : critères par activité</caption>
      <thead>
        <tr>
          <th scope="col">Critère</th>
          {% for a in p.activities %}<th scope="col" class="matrix-activity"><a href="{% url 'passeport:activity_detail' a.pk %}">A{{ forloop.counter }}<span class="visually-hidden"> – {{ a.title }}</span></a></th>{% endfor %}
          <th scope="col">Activités</th>
          <th scope="col">Preuves</th>
          <th scope="col">Dernier niveau formatif</th>
        </tr>
      </thead>
      {% for competency, rows in matrix.competencies %}
      <tbody>
        <tr class="matrix-group"><th scope="rowgroup" colspan="{{ p.activities|length|add:4 }}">{{ competency.title }}</th></tr>
        {% for row in rows %}
        <tr>
          <th scope="row">{{ row.criterion.number }}. {{ row.criterion.title }}</th>
          {% for hit in row.cells %}{% if hit %}<td class="hit">●<span class="visually-hidden"> mobilisé</span></td>{% else %}<td class="miss"><span class="visually-hidden">non</span></td>{% endif %}{% endfor %}
          <td>{{ row.activity_count }}</td>
          <td>{{ row.evidence_count }}</td>
          <td>{% if row.latest %}<span class="level level-{{ row.latest.level.rank }}">{{ row.latest.level.code }}</span> <span class="help">le {{ row.latest.assessed_on|date:"d/m/Y" }}</span>{% else %}<span class="help">non positionné</span>{% endif %}</td>
        </tr>
        {% endfor %}
      </tbody>
      {% endfor %}
    </table>
  </div>
</section>
{% endfor %}""",  # noqa: E501
    "profile_html": """
  {% for matrix, svg in profile_charts %}
  <figure class="chart-figure">
    {{ svg }}
    <figcaption>
      <details>
        <summary>{{ matrix.exam.code }} : données du graphique sous forme de tableau</summary>
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{{ matrix.exam.code }} : dernier niveau formatif par critère</caption>
            <thead><tr><th scope="col">Compétence</th><th scope="col">Critère</th><th scope="col">Dernier niveau</th><th scope="col">Date</th><th scope="col">Positionnements</th></tr></thead>
            <tbody>
              {% for competency, rows in matrix.competencies %}{% for row in rows %}
              <tr><td>{{ competency.title }}</td><th scope="row">{{ row.criterion.number }}. {{ row.criterion.title }}</th>
                <td>{% if row.latest %}{{ row.latest.level.code }} – {{ row.latest.level.label }}{% else %}non positionné{% endif %}</td>
                <td>{{ row.latest.assessed_on|date:"d/m/Y"|default:"—" }}</td><td>{{ row.latest.count|default:0 }}</td></tr>
              {% endfor %}{% endfor %}
            </tbody>
          </table>
        </div>
      </details>
    </figcaption>
  </figure>
  {% endfor %}""",  # noqa: E501
    "assessments_html": """
  {% for a in p.assessments %}
  <article class="assessment">
    <h3>Le {{ a.assessed_on|date:"d/m/Y" }} par {{ a.assessor_name }} —
      {% if a.fiche_id %}<a href="{% url 'passeport:fiche_edit' a.fiche_id %}">fiche {{ a.fiche_exam_code }} n° {{ a.fiche_number }} – {{ a.fiche_title }}</a>{% else %}<a href="{% url 'passeport:activity_detail' a.activity_id %}">{{ a.activity_title }}</a>{% endif %}</h3>
    <ul class="positions">{% for exam_code, title, level in a.position_list %}<li><span class="level level-{{ level.rank }}">{{ level.code }}</span> {{ exam_code }} – {{ title }}</li>{% endfor %}</ul>
    {% if a.comment %}<div class="comment">{{ a.comment|linebreaks }}</div>{% endif %}
  </article>
  {% empty %}
  <p>Aucune évaluation formative pour l'instant.</p>
  {% endfor %}""",  # noqa: E501
}

TRICKY = '<script>alert("x")</script> & l\'« atelier »'


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.fixture
def rich(cast):
    """A passeport with every case of the loops: escaping, collective activity, fiches, assessments of all kinds."""
    student, teacher = cast.student, cast.teacher
    e4, e6 = criteria(student, "E4"), criteria(student, "E6")
    a1 = make_activity(
        student,
        title=TRICKY,
        organisation="",
        start_date=datetime.date(2026, 1, 5),
        end_date=None,
        validated_at=timezone.now(),
        validated_by=teacher,
    )
    a2 = make_activity(
        student, title="Salon & forum", organisation="Brico <Dépôt>", start_date=datetime.date(2026, 3, 1)
    )
    make_activity(student, title="Même jour", start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 3, 1))
    a1.criteria.set([e4[0], e4[3], e6[0]])
    a2.criteria.set([e4[0], e6[2]])
    add_evidence(a1, 1)
    add_evidence(a2, 2)
    theirs = make_activity(cast.student2, title="Journée <portes> ouvertes", start_date=datetime.date(2026, 2, 1))
    theirs.participants.add(student)
    make_fiche(student, activity=theirs, kind_code="evenement", title="Fiche d'une <journée>")
    fiche = make_fiche(student, activity=a1, kind_code="nego-vente", title=TRICKY)
    make_fiche(student, activity=a2, exam_code="E6", kind_code="distributeurs", real_lived=True)
    create_formative_assessment(
        student=student,
        assessor=teacher,
        assessed_on=datetime.date(2026, 1, 9),
        activity=a1,
        positions={e6[0]: level(student, "I"), e4[3]: level(student, "TS"), e4[0]: level(student, "S")},
        comment="Ligne <b>1</b>\n\nLigne 2 & fin",
    )
    create_formative_assessment(
        student=student,
        assessor=cast.teacher,
        assessed_on=datetime.date(2026, 1, 9),
        fiche=fiche,
        positions={e4[0]: level(student, "TI")},
    )
    FormativeAssessment.objects.create(  # no position at all: not possible from the form, still shown
        student=student, assessor=teacher, activity=a2, assessed_on=datetime.date(2026, 3, 2)
    )
    return cast


def _fragments(student):
    p = selectors.passeport_for(student)
    charts = [(matrix, _profile_chart(matrix, p.levels)) for matrix in p.matrices]
    return p, charts, render_passeport.sections(p, charts)


@pytest.mark.django_db
def test_each_fragment_is_the_html_of_the_template_it_replaced(rich):
    p, charts, fragments = _fragments(Student.objects.get(pk=rich.student.pk))
    context = Context({"p": p, "profile_charts": charts})
    assert set(fragments) == set(REFERENCE)
    for name, source in REFERENCE.items():
        assert _squash(fragments[name]) == _squash(Template(source).render(context)), name


@pytest.mark.django_db
def test_an_empty_passeport_renders_like_the_template(cast):
    p, charts, fragments = _fragments(cast.student)
    context = Context({"p": p, "profile_charts": charts})
    for name, source in REFERENCE.items():
        if name != "timeline_html":  # the page shows « Aucune activité » instead of an empty list
            assert _squash(fragments[name]) == _squash(Template(source).render(context)), name
    assert fragments["timeline_html"] == ""
    assert fragments["assessments_html"] == "<p>Aucune évaluation formative pour l'instant.</p>"


@pytest.mark.django_db
def test_the_page_escapes_user_text_and_keeps_ids_and_labels(rich, login):
    page = login(rich.student).get(reverse("passeport:passeport", args=[rich.student.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; l&#x27;« atelier »" in page
    assert "Brico &lt;Dépôt&gt;" in page
    assert "Activité collective : Journée &lt;portes&gt; ouvertes" in page
    assert '<div class="comment"><p>Ligne &lt;b&gt;1&lt;/b&gt;</p>\n\n<p>Ligne 2 &amp; fin</p></div>' in page
    for anchor in ("chronologie", "criteres-e4", "criteres-e6", "profil", "evaluations"):
        assert f'id="{anchor}"' in page
        assert f'aria-labelledby="{anchor}"' in page
    assert page.count('<th scope="col" class="matrix-activity">') == 2 * 3
    # The visible « A3 » begins the link's accessible name (WCAG 2.5.3: a voice user says what they see).
    assert '>A3<span class="visually-hidden"> – Même jour</span></a>' in page
    assert "Évaluations formatives (3)" in page


@pytest.mark.django_db
def test_assessments_are_latest_first_with_positions_in_grid_order(rich):
    p, _, fragments = _fragments(rich.student)
    assert [a.assessed_on for a in p.assessments] == [
        datetime.date(2026, 3, 2),
        datetime.date(2026, 1, 9),
        datetime.date(2026, 1, 9),
    ]
    assert p.assessments[1].fiche_id and not p.assessments[2].fiche_id  # same date: the later entry first
    assert [(code, level.code) for code, _, level in p.assessments[2].position_list] == [
        ("E4", "S"),
        ("E4", "TS"),
        ("E6", "I"),
    ]
    assert p.assessments[0].position_list == []
    first = p.matrices[0].competencies[0][1][0]
    assert (first.latest.level.code, first.latest.count) == ("TI", 2)  # same date, entered later


@pytest.mark.django_db
@pytest.mark.parametrize("cohort_loaded", [True, False])
def test_passeport_for_runs_a_fixed_number_of_queries(rich, django_assert_max_num_queries, cohort_loaded):
    student = Student.objects.select_related("cohort").get(pk=rich.student.pk) if cohort_loaded else None
    student = student or Student.objects.get(pk=rich.student.pk)
    with django_assert_max_num_queries(9):
        p = selectors.passeport_for(student)
    assert p.student.cohort.exam_session.pk == rich.student.cohort.exam_session_id


def test_url_maker_and_day_write_what_reverse_and_the_date_filter_do():
    make = render_passeport.url_maker("passeport:fiche_edit")
    assert make(42) == reverse("passeport:fiche_edit", args=[42])
    for value in (datetime.date(2026, 1, 5), datetime.date(987, 12, 31)):
        assert render_passeport.day(value) == Template('{{ d|date:"d/m/Y" }}').render(Context({"d": value}))
    assert render_passeport.day(None) == ""
