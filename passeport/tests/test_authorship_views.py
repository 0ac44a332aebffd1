"""The cohort's list of flagged pairs and the side-by-side comparison (passeport.views_authorship)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passeport.models import FicheVerso
from passeport.tests.test_authorship import FAIR, HISTORIQUE, HISTORIQUE_OWN_WORDS, HISTORIQUE_RETOUCHED
from tests.factories import make_activity, make_fiche
from tests.personas import make_student


def _copying_participants(cast, first=HISTORIQUE, second=HISTORIQUE_RETOUCHED):
    mine = make_activity(cast.student, "Salon Pro'Bureau", **FAIR)
    mine.participants.add(cast.student2)
    theirs = make_activity(cast.student2, "Salon professionnel", **FAIR)
    fiches = []
    for student, activity, text in ((cast.student, mine, first), (cast.student2, theirs, second)):
        fiche = make_fiche(student, activity=activity, kind_code="evenement", text="{code}")
        fiche.recto["historique"] = text
        fiche.save(update_fields=["recto"])
        fiches.append(fiche)
    return fiches


def test_the_cohort_page_lists_the_flagged_pair_with_its_rubric_and_a_link(cast, login):
    emma, lucas = _copying_participants(cast)

    response = login(cast.teacher).get(reverse("passeport:cohort_authorship", args=[cast.cohort.pk]))

    assert response.status_code == 200
    pair = response.context["pairs"][0]
    assert {pair.left, pair.right} == {emma, lucas}
    content = response.content.decode()
    assert "Participants à une même activité" in content
    assert "Historique/Problématique de l’activité" in content
    assert reverse("passeport:fiche_compare", args=[pair.left.pk, pair.right.pk]) in content


def test_the_cohort_page_says_when_nothing_is_flagged(cast, login):
    _copying_participants(cast, second=HISTORIQUE_OWN_WORDS)

    response = login(cast.teacher).get(reverse("passeport:cohort_authorship", args=[cast.cohort.pk]))

    assert response.context["pairs"] == []
    assert "Aucune rubrique quasi identique" in response.content.decode()


def _cohort_page_queries(cast, client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("passeport:cohort_authorship", args=[cast.cohort.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_cohort_page_query_count_does_not_grow_with_the_cohort(cast, login):
    client = login(cast.teacher)
    _copying_participants(cast)
    _cohort_page_queries(cast, client)  # warm the session and the navigation's kept counters
    few = _cohort_page_queries(cast, client)
    for index in range(4):
        student = make_student(f"extra{index}", "Extra", f"Étudiant{index}", cast.cohort)
        activity = make_activity(student, **FAIR)
        activity.participants.add(cast.student)
        for kind in ("nego-vente", "evenement"):
            fiche = make_fiche(student, activity=activity, kind_code=kind, text="{code}")
            fiche.recto["historique"] = HISTORIQUE
            fiche.save(update_fields=["recto"])
            FicheVerso.objects.create(fiche=fiche, order=2, content={"demarche": HISTORIQUE})

    many = _cohort_page_queries(cast, client)

    assert len(client.get(reverse("passeport:cohort_authorship", args=[cast.cohort.pk])).context["pairs"]) > 4
    assert many == few


def test_the_comparison_shows_both_texts_with_shared_passages_marked(cast, login):
    emma, lucas = _copying_participants(cast)

    response = login(cast.teacher).get(reverse("passeport:fiche_compare", args=[emma.pk, lucas.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    shared_end = "rencontrer de nouveaux prospects du secteur tertiaire</mark>"
    assert content.count("<mark>souhaitait faire du stand un outil de prospection : relancer") == 2
    assert content.count(shared_end) == 2
    assert "quasi identique" in content
    assert [part.title for part in response.context["parts"]] == ["Recto", "Verso 1 / verso 1"]
    assert response.context["parts"][0].flagged_count == 1


def test_the_comparison_escapes_the_students_text(cast, login):
    emma, lucas = _copying_participants(
        cast, first=HISTORIQUE + " <script>alert(1)</script>", second=HISTORIQUE + " <script>alert(1)</script>"
    )

    content = login(cast.teacher).get(reverse("passeport:fiche_compare", args=[emma.pk, lucas.pk])).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert" in content


def test_one_fiche_compared_with_itself_shows_its_versos_two_by_two(cast, login):
    fiche = make_fiche(cast.student)
    FicheVerso.objects.create(fiche=fiche, order=2, content=fiche.versos.get().content)

    response = login(cast.teacher).get(reverse("passeport:fiche_compare", args=[fiche.pk, fiche.pk]))

    assert [part.title for part in response.context["parts"]] == ["Verso 1 / verso 2"]
    assert "Premier verso" in response.content.decode()


def test_one_fiche_with_a_single_verso_has_nothing_to_compare(cast, login):
    fiche = make_fiche(cast.student)

    response = login(cast.teacher).get(reverse("passeport:fiche_compare", args=[fiche.pk, fiche.pk]))

    assert "rien à comparer" in response.content.decode()


def test_fiches_of_different_exams_are_compared_with_a_warning(cast, login):
    e4 = make_fiche(cast.student)
    e6 = make_fiche(cast.student, exam_code="E6", kind_code="partenaires", real_lived=True)

    response = login(cast.teacher).get(reverse("passeport:fiche_compare", args=[e4.pk, e6.pk]))

    assert response.status_code == 200
    assert "ne relèvent pas de la même épreuve" in response.content.decode()


def test_a_student_may_not_compare_even_their_own_fiches(cast, login):
    first, second = make_fiche(cast.student), make_fiche(cast.student, kind_code="evenement")

    response = login(cast.student).get(reverse("passeport:fiche_compare", args=[first.pk, second.pk]))

    assert response.status_code == 403
