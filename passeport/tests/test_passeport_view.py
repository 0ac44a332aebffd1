"""The passeport page: traces in date order, critères × activities, gaps, formative profile, actions by role."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passeport.models import InternshipPeriod
from passeport.services.followup import create_formative_assessment
from tests.factories import add_evidence, criteria, level, make_activity, make_fiche


def _url(student):
    return reverse("passeport:passeport", args=[student.pk])


def _assess(student, teacher, on, activity, **by_criterion):
    return create_formative_assessment(
        student=student,
        assessor=teacher,
        assessed_on=on,
        activity=activity,
        positions={c: level(student, code) for c, code in by_criterion.values()},
    )


def _page(client, student):
    response = client.get(_url(student))
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_lists_activities_in_date_order_with_their_fiches(cast, login):
    later = make_activity(cast.student, title="Salon de l'habitat", start_date=datetime.date(2026, 4, 1))
    earlier = make_activity(
        cast.student,
        title="Prospection téléphonique",
        start_date=datetime.date(2026, 1, 5),
        end_date=None,
        validated_at=timezone.now(),
        validated_by=cast.teacher,
    )
    add_evidence(earlier, 2)
    fiche = make_fiche(cast.student, activity=later, kind_code="evenement", title="Salon")
    page = _page(login(cast.teacher), cast.student)
    assert page.index("Prospection téléphonique") < page.index("Salon de l&#x27;habitat")
    timeline = page[page.index('id="chronologie"') : page.index('id="criteres-e4"')]
    assert "05/01/2026" in timeline
    assert "Validée en formation" in timeline
    assert timeline.count("Validée en formation") == 1
    assert "2 preuves" in timeline
    assert "Stage — Réelle" in timeline
    assert reverse("passeport:activity_detail", args=[earlier.pk]) in timeline
    assert reverse("passeport:fiche_edit", args=[fiche.pk]) in timeline
    assert "Fiche E4 n° 1 – Salon" in timeline
    assert "Organisation et Animation d’un Évènement commercial" in timeline


def test_a_fiche_about_a_collective_activity_recorded_by_someone_else_is_on_the_timeline(cast, login):
    theirs = make_activity(cast.student2, title="Journée portes ouvertes")
    theirs.participants.add(cast.student)
    fiche = make_fiche(cast.student, activity=theirs, kind_code="evenement")
    page = _page(login(cast.teacher), cast.student)
    assert "Activité collective : Journée portes ouvertes" in page
    assert reverse("passeport:fiche_edit", args=[fiche.pk]) in page


def test_the_matrix_marks_the_criteres_each_activity_mobilises_and_countsadd_evidence(cast, login):
    first, second, third = criteria(cast.student, "E4")[:3]
    a1 = make_activity(cast.student, start_date=datetime.date(2026, 1, 1))
    a2 = make_activity(cast.student, start_date=datetime.date(2026, 2, 1))
    a1.criteria.set([first, second])
    a2.criteria.set([first])
    add_evidence(a1, 1)
    add_evidence(a2, 3)
    page = _page(login(cast.teacher), cast.student)
    table = page[page.index('id="criteres-e4"') : page.index('id="criteres-e6"')]
    rows = {
        m.group(1): m.group(2) for m in re.finditer(r'<th scope="row">(\d\. [^<]+)</th>(.*?)</tr>', table, flags=re.S)
    }
    first_row = rows[f"1. {first.title}"]
    assert first_row.count('class="hit"') == 2
    assert re.search(r"<td>2</td>\s*<td>4</td>", first_row)  # 2 activities, 1 + 3 evidence files
    assert rows[f"2. {second.title}"].count('class="hit"') == 1
    assert re.search(r"<td>1</td>\s*<td>1</td>", rows[f"2. {second.title}"])
    assert rows[f"3. {third.title}"].count('class="hit"') == 0


def test_the_matrix_shows_the_latest_formative_level_by_date_then_by_entry(cast, login):
    first, second = criteria(cast.student, "E4")[:2]
    activity = make_activity(cast.student)
    # Entered later but dated earlier: it is not the latest.
    _assess(cast.student, cast.teacher, datetime.date(2026, 3, 1), activity, a=(first, "TS"))
    _assess(cast.student, cast.teacher, datetime.date(2025, 12, 1), activity, a=(first, "TI"), b=(second, "I"))
    # Same date, entered after: it is the latest for the second critère.
    _assess(cast.student, cast.teacher, datetime.date(2025, 12, 1), activity, b=(second, "S"))
    page = _page(login(cast.teacher), cast.student)
    table = page[page.index('id="criteres-e4"') : page.index('id="criteres-e6"')]
    first_row = table[table.index(f"1. {first.title}") :]
    first_row = first_row[: first_row.index("</tr>")]
    assert '<span class="level level-4">TS</span>' in first_row
    assert "01/03/2026" in first_row
    second_row = table[table.index(f"2. {second.title}") :]
    second_row = second_row[: second_row.index("</tr>")]
    assert '<span class="level level-3">S</span>' in second_row


def test_it_lists_the_criteres_never_mobilised_per_exam(cast, login):
    e4 = criteria(cast.student, "E4")
    make_activity(cast.student).criteria.set(e4[1:])
    page = _page(login(cast.teacher), cast.student)
    gaps = page[page.index('id="a-completer"') : page.index('id="chronologie"')]
    assert "E4 : critères jamais mobilisés par une activité</strong> (1 sur 11)" in gaps
    assert f"1. {e4[0].title}" in gaps
    assert "E6 : critères jamais mobilisés par une activité</strong> (7 sur 7)" in gaps


def test_it_lists_the_fiche_kinds_missing_from_the_dossier(cast, login):
    make_fiche(cast.student, kind_code="nego-vente")
    make_fiche(cast.student, exam_code="E6", kind_code="distributeurs", real_lived=False)
    page = _page(login(cast.teacher), cast.student)
    gaps = page[page.index('id="a-completer"') : page.index('id="chronologie"')]
    assert "E4 : 1 fiche(s) sur les 2 attendues dans le dossier." in gaps
    assert "E4 : aucune fiche « Organisation et Animation d’un Évènement commercial »." in gaps
    assert "E4 : aucune fiche « Négociation" not in gaps
    assert "E6 : aucune fiche « Animation de réseau de partenaires »." in gaps
    assert "E6 : aucune fiche « Animation de réseau de vente directe »." in gaps
    assert "E6 : 0 fiche(s) « activité réelle vécue » sur les 1 exigée(s) au minimum." in gaps


def test_a_complete_dossier_and_internship_leave_nothing_to_complete(cast, login):
    activity = make_activity(cast.student)
    activity.criteria.set(criteria(cast.student, "E4") + criteria(cast.student, "E6"))
    make_fiche(cast.student, activity=activity, kind_code="nego-vente")
    make_fiche(cast.student, activity=activity, kind_code="evenement")
    make_fiche(cast.student, activity=activity, exam_code="E6", kind_code="distributeurs", real_lived=True)
    make_fiche(cast.student, activity=activity, exam_code="E6", kind_code="partenaires", real_lived=False)
    make_fiche(cast.student, activity=activity, exam_code="E6", kind_code="vente-directe", real_lived=False)
    InternshipPeriod.objects.create(
        student=cast.student,
        organisation="Nettoyage Pro Rhône",
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 1, 1),
        weeks=16,
        attestation="attestations/a.pdf",
    )
    page = _page(login(cast.teacher), cast.student)
    assert "Rien ne manque pour l'instant" in page
    assert "aucune fiche" not in page


def test_a_short_internship_is_flagged(cast, login):
    page = _page(login(cast.teacher), cast.student)
    gaps = page[page.index('id="a-completer"') : page.index('id="chronologie"')]
    assert "Aucune période en entreprise n&#x27;est enregistrée" in gaps
    assert "Insuffisante" in gaps


def test_the_profile_chart_is_accessible_svg_with_a_table_equivalent(cast, login):
    first = criteria(cast.student, "E4")[0]
    _assess(cast.student, cast.teacher, datetime.date(2026, 1, 1), make_activity(cast.student), a=(first, "S"))
    page = _page(login(cast.teacher), cast.student)
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="profil-e4"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="profil-e4-titre profil-e4-desc"' in svg
    assert '<title id="profil-e4-titre">E4 : dernier niveau formatif par critère</title>' in svg
    assert "1 critère(s) sur 11 positionné(s)" in svg
    assert "données du graphique sous forme de tableau" in page
    assert 'id="profil-e6"' in page


def test_it_lists_the_formative_assessments_with_their_comment(cast, login):
    first = criteria(cast.student, "E4")[0]
    activity = make_activity(cast.student, title="Négociation syndic")
    assessment = _assess(cast.student, cast.teacher, datetime.date(2026, 1, 9), activity, a=(first, "I"))
    assessment.comment = "Reformuler les besoins du client."
    assessment.save(update_fields=["comment"])
    page = _page(login(cast.student), cast.student)
    section = page[page.index('id="evaluations"') :]
    assert "Le 09/01/2026 par Bob PROF" in section
    assert "Reformuler les besoins du client." in section
    assert f"E4 – {first.title}" in section


def test_the_student_gets_the_links_to_add_traces(cast, login):
    page = _page(login(cast.student), cast.student)
    assert reverse("passeport:activity_create", args=[cast.student.pk]) in page
    assert reverse("passeport:internship_create", args=[cast.student.pk]) in page
    assert reverse("passeport:formative_create", args=[cast.student.pk]) not in page
    assert "Mon passeport" in page


def test_the_teacher_gets_the_formative_link_but_not_the_students_ones(cast, login):
    page = _page(login(cast.teacher), cast.student)
    assert reverse("passeport:formative_create", args=[cast.student.pk]) in page
    assert reverse("passeport:activity_create", args=[cast.student.pk]) not in page
    assert reverse("passeport:internship_create", args=[cast.student.pk]) not in page


def test_the_professional_reads_without_action_links(cast, login):
    page = _page(login(cast.professional), cast.student)
    assert reverse("passeport:formative_create", args=[cast.student.pk]) not in page
    assert reverse("passeport:activity_create", args=[cast.student.pk]) not in page


def test_my_passeport_sends_a_student_to_their_own(cast, login):
    response = login(cast.student2).get(reverse("passeport:my_passeport"))
    assert response.url == _url(cast.student2)


def _populate(student, teacher, n):
    e4, e6 = criteria(student, "E4"), criteria(student, "E6")
    activities = []
    for i in range(n):
        activity = make_activity(
            student,
            title=f"Activité {i}",
            start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            validated_at=timezone.now() if i % 2 else None,
            validated_by=teacher if i % 2 else None,
        )
        activity.criteria.set([e4[i % len(e4)], e4[(i + 3) % len(e4)], e6[i % len(e6)]])
        add_evidence(activity, 1 + i % 2)
        _assess(student, teacher, activity.start_date, activity, a=(e4[i % len(e4)], "S"), b=(e6[i % len(e6)], "I"))
        activities.append(activity)
    make_fiche(student, activity=activities[0], kind_code="nego-vente")
    make_fiche(student, activity=activities[-1], kind_code="evenement")
    make_fiche(student, activity=activities[0], exam_code="E6", kind_code="distributeurs", real_lived=True)


PASSEPORT_MAX_QUERIES = 23  # 19 for the page, 4 for the navigation's « À faire (N) » counter


@pytest.mark.parametrize("activities", [2, 30])
def test_the_page_runs_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries, activities):
    _populate(cast.student, cast.teacher, activities)
    client = login(cast.teacher)
    with django_assert_max_num_queries(PASSEPORT_MAX_QUERIES):
        response = client.get(_url(cast.student))
    assert response.content.decode().count('class="activity-number"') == activities


def test_the_query_count_does_not_grow_with_activities(cast, login):
    _populate(cast.student, cast.teacher, 2)
    _populate(cast.student2, cast.teacher, 30)
    client = login(cast.teacher)
    counts = []
    for student in (cast.student, cast.student2):
        client.get(_url(student))  # warm the session and the per-request caches alike
        with CaptureQueriesContext(connection) as queries:
            client.get(_url(student))
        counts.append(len(queries))
    assert counts[0] == counts[1]
