import datetime
import html
import re

from django.urls import reverse

from audit.models import AuditEntry
from certification.models import CandidateResult, Deliberation, ResultStatus
from tests.factories_harmonisation import key_of, make_world
from tests.personas import PASSWORD


def _url(cast, world):
    return reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])


def _login(client, world):
    assert client.login(username=world.inspector.username, password=PASSWORD)


def test_it_puts_the_same_profile_side_by_side_and_flags_the_higher_establishment(client, cast):
    world = make_world(cast)
    _login(client, world)
    page = client.get(_url(cast, world)).content.decode()
    assert f"Profil {key_of(world.commission)}" in page
    assert "Lycée Ampère" in page and "Lycée Jean Moulin" in page
    flagged = re.findall(r'<tr class="flagged"><th scope="row">([^<]*)</th>', page)
    assert flagged == ["Lycée Ampère"]  # 15.25 against an académie median of 12 for the same profile
    assert "+3,2" in page
    assert "<svg" in page and "Répartition des notes" in page


def test_it_shows_no_candidate_name_and_no_other_academie(client, cast):
    world = make_world(cast)
    _login(client, world)
    page = client.get(_url(cast, world), {"etablissement": cast.establishment.pk}).content.decode()
    assert "Émma" not in page and cast.student.user.last_name not in page
    assert cast.student.candidate_number in page  # the candidates of the establishment asked for, by code
    assert "am0001" not in page.split('id="h-candidats"')[1].split("</section>")[0]  # not the others
    assert "Lycée Victor Hugo" not in page


def test_it_lists_marks_outside_the_commissions_range_and_pending_deliberations(client, cast):
    world = make_world(cast)
    _login(client, world)
    page = client.get(_url(cast, world)).content.decode()
    assert "15,5 hors de la plage 14–15" in page  # 15.5 given by the third establishment
    assert "délibération en attente" in page


def test_opening_a_candidate_is_logged(client, cast):
    world = make_world(cast)
    _login(client, world)
    result = world.high_commission.results.first()
    response = client.get(reverse("harmonisation:candidate", args=[result.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<dd>{key_of(world.high_commission)}</dd>" in page and result.student.user.last_name not in page
    entry = AuditEntry.objects.get(action="harmonisation.candidate_opened")
    assert entry.actor == world.inspector
    assert entry.establishment_id == world.third.pk
    assert entry.object_id == str(result.pk)


def test_the_page_runs_the_same_number_of_queries_at_two_sizes(client, cast, django_assert_max_num_queries):
    world = make_world(cast, size=2)
    _login(client, world)
    url = _url(cast, world)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    from tests.factories_harmonisation import add_candidates

    add_candidates(world.commission, ["12"] * 20, "xx")
    add_candidates(world.high_commission, ["15"] * 20, "yy")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(small) <= 15  # one more than before the sends: the latest send of each establishment


def test_it_lists_deliberations_recorded_before_signatures_and_nv_rates_far_from_the_academie(client, cast):
    world = make_world(cast)
    Deliberation.objects.create(
        commission=world.high_commission, deliberated_on=datetime.date(2027, 6, 20), recorded_by=cast.teacher
    )
    CandidateResult.objects.filter(commission=world.commission).exclude(student=cast.student).update(
        status=ResultStatus.NOT_VALID, mark=None
    )
    _login(client, world)
    page = client.get(_url(cast, world)).content.decode()
    assert "NDRC 2 A : délibération enregistrée, 6 fiches non signées" in page
    assert 'Lycée Jean Moulin – <a href="#etab-' in page
    assert "taux NV de 86 % contre 46 % dans l'académie" in html.unescape(page)


def test_the_candidate_file_shows_the_agreed_grid_the_sheet_and_the_evidence_read_only(client, cast):
    from certification.models import EvaluationSheet, Situation, SituationAppraisal
    from referentiel.models import Criterion
    from tests.factories import add_evidence, make_activity
    from tests.factories_certification_marks import agree_grid

    world = make_world(cast)
    agree_grid(world.commission, cast.student, key_of(world.commission))
    sheet = EvaluationSheet.objects.create(commission=world.commission, student=cast.student)
    situation = Situation.objects.filter(commission=world.commission).first()
    assert situation is not None
    SituationAppraisal.objects.create(sheet=sheet, situation=situation, text="Négociation menée avec aisance.")
    add_evidence(make_activity(cast.student), 1)
    _login(client, world)
    result = world.commission.results.get(student=cast.student)
    page = client.get(reverse("harmonisation:candidate", args=[result.pk])).content.decode()
    criterion = Criterion.objects.filter(competency__block_id=world.commission.exam.block_id).first()
    assert str(criterion) in page.replace("&#x27;", "'")
    assert "Négociation menée avec aisance." in page
    assert "Pas de grille commune" not in page
    from passeport.models import Evidence

    assert Evidence.objects.get().original_name in page
    assert "<form" in page and page.count("<form") == 2  # the request form and the logout form only
