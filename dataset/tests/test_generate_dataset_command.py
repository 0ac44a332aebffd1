import pytest
from django.core.management import CommandError

from accounts.models import Cohort, Establishment, Membership, Role, Student, User
from audit.models import AuditEntry
from certification.models import CandidateResult, Commission, Dossier, Grid, MarkRange
from dataset.generator import dataset_counts
from dataset.spec import DEFAULT_PASSWORD
from dataset.tests.helpers import generate
from passeport.models import Activity, Fiche, FicheVersion, InternshipPeriod

pytestmark = pytest.mark.django_db


def test_tiny_preset_creates_the_expected_rows():
    generate("--preset", "tiny")

    counts = dataset_counts()
    assert counts["établissements"] == 1
    assert counts["comptes"] == 5 + 3  # admin, 3 teachers, professional; 3 students
    assert counts["classes"] == 1
    assert counts["étudiant·es"] == 3
    assert counts["activités"] == 3 * 4
    assert counts["périodes en entreprise"] == 3 * 2
    assert counts["fiches"] == 3 * 4
    assert counts["dossiers déposés"] == 3
    assert counts["fiches de dossier figées"] == 3 * 2
    assert counts["commissions"] == 1
    assert counts["membres de commission"] == 3
    assert counts["étapes de situation"] == 3
    assert counts["grilles"] == 3 * (3 + 1)  # three members' grids and the agreed grid per candidate
    assert counts["résultats"] == 3
    assert counts["plages de notation"] >= 1


def test_usernames_are_predictable_and_share_one_password():
    generate("--preset", "tiny")

    names = set(User.objects.values_list("username", flat=True))
    assert {"e01-admin", "e01-prof1", "e01-prof2", "e01-prof3", "e01-pro", "e01-c1-s01", "e01-c1-s03"} <= names
    assert User.objects.get(username="e01-c1-s02").check_password(DEFAULT_PASSWORD)
    assert User.objects.values("password").distinct().count() == 1
    assert Membership.objects.get(user__username="e01-admin").role == Role.ADMIN


def test_it_creates_final_year_cohorts_of_session_2027():
    generate("--preset", "tiny", "--cohorts-per-establishment", "2")

    cohorts = Cohort.objects.all()
    assert cohorts.count() == 2
    assert {(c.year, c.exam_session.year) for c in cohorts} == {(2, 2027)}


def test_fiches_keep_the_editors_version_history():
    generate("--preset", "tiny")

    for fiche in Fiche.objects.all():
        numbers = list(fiche.versions.filter(is_conflict=False).values_list("number", flat=True))
        # created empty (v1), filled in (v2), revised once or twice; E4 fiches also frozen at the deposit
        assert len(numbers) >= 3
        assert all(fiche.recto.values())


def test_attestations_are_stored_pdf_files():
    generate("--preset", "tiny")

    period = InternshipPeriod.objects.first()
    with period.attestation.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_it_refuses_a_database_holding_another_establishment():
    Establishment.objects.create(name="Lycée réel", uai="0691234A")

    with pytest.raises(CommandError, match="ne viennent pas d'un jeu de données"):
        generate("--preset", "tiny")

    assert not Student.objects.exists()
    assert Establishment.objects.count() == 1


def test_force_accepts_another_establishment_and_flush_leaves_it_alone():
    real = Establishment.objects.create(name="Lycée réel", uai="0691234A")
    generate("--preset", "tiny", "--force")

    generate("--preset", "tiny", "--force", "--flush-existing-dataset")

    assert Establishment.objects.filter(pk=real.pk).exists()
    assert Establishment.objects.count() == 2
    assert Student.objects.count() == 3


def test_it_refuses_to_stack_a_second_dataset():
    generate("--preset", "tiny")

    with pytest.raises(CommandError, match="--flush-existing-dataset"):
        generate("--preset", "tiny")

    assert Student.objects.count() == 3


def test_flush_deletes_every_generated_row():
    generate("--preset", "tiny")
    generate("--preset", "tiny", "--flush-existing-dataset", "--establishments", "1", "--students-per-cohort", "1")

    assert Student.objects.count() == 1
    assert Activity.objects.count() == 4
    assert Dossier.objects.count() == 1
    assert Commission.objects.count() == 1
    assert Grid.objects.count() == 4
    assert CandidateResult.objects.count() == 1
    assert FicheVersion.objects.filter(fiche__student__user__username="e01-c1-s02").count() == 0
    assert MarkRange.objects.filter(commission__cohort__students__isnull=False).exists()


def test_flush_keeps_the_audit_log_and_retires_the_accounts_it_names():
    generate("--preset", "tiny")
    entries = AuditEntry.objects.count()
    old_student = User.objects.get(username="e01-c1-s02")

    generate("--preset", "tiny", "--flush-existing-dataset", "--establishments", "1", "--students-per-cohort", "1")

    assert AuditEntry.objects.count() > entries
    old_student.refresh_from_db()
    assert old_student.username == f"purge{old_student.pk}-e01-c1-s02"
    assert not old_student.is_active
    assert not old_student.has_usable_password()
    assert old_student.email == ""
    assert User.objects.filter(is_active=True).count() == 5 + 1 + 1  # + the académie's inspector, reused


def test_it_refuses_too_few_activities_for_the_fiches():
    with pytest.raises(CommandError, match="autant d'activités que de fiches"):
        generate("--preset", "tiny", "--activities", "2", "--fiches", "3")

    assert not Establishment.objects.exists()


def test_it_reports_the_phases_and_the_counts():
    out = generate("--preset", "tiny")

    for phase in ("personnes", "passeports", "fiches", "dossiers", "commissions", "grilles", "notes", "total"):
        assert phase in out
    assert "dossiers déposés" in out


@pytest.mark.sqlite_only
def test_it_refuses_parallel_jobs_on_sqlite():
    with pytest.raises(CommandError, match="--jobs ne sert qu'avec PostgreSQL"):
        generate("--preset", "tiny", "--jobs", "2")

    assert not Establishment.objects.exists()
