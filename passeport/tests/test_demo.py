"""The passeport demo data (passeport.demo.load_demo)."""

import pytest
from django.core.files.storage import default_storage

from accounts import demo as accounts_demo
from accounts.models import Cohort, Student
from passeport import demo
from passeport.authorship import PARTICIPANTS, cohort_flagged_pairs, compare_fiches
from passeport.models import (
    Activity,
    Evidence,
    Fiche,
    FicheComment,
    FicheVersion,
    FormativeAssessment,
    InternshipPeriod,
)
from passeport.rubrics import fiche_definition


@pytest.fixture
def loaded(db, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    accounts_demo.load_demo()
    return demo.load_demo()


def _emma() -> Student:
    return Student.objects.get(user__username="etudiant")


def test_loading_twice_creates_nothing_the_second_time(loaded, tmp_path):
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())

    again = demo.load_demo()

    assert all(count > 0 for count in loaded.values()), loaded
    assert set(again.values()) == {0}
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files


def test_emma_has_two_e4_fiches_of_different_kinds_and_three_e6_fiches_one_per_network(loaded):
    fiches = Fiche.objects.filter(student=_emma()).select_related("exam", "kind")

    assert sorted(f.kind.code for f in fiches if f.exam.code == "E4") == ["evenement", "nego-vente"]
    e6 = [f for f in fiches if f.exam.code == "E6"]
    assert sorted(f.kind.code for f in e6) == ["distributeurs", "partenaires", "vente-directe"]
    assert any(f.real_lived for f in e6)


def test_every_rubric_of_the_demo_fiches_is_filled(loaded):
    for fiche in Fiche.objects.select_related("exam").prefetch_related("versos"):
        form = fiche_definition(fiche.forms_session, fiche.exam.code)
        assert all(fiche.recto[r.code].strip() for r in form.part("recto")), fiche
        if form.has_verso:
            assert fiche.versos.exists(), fiche
        for verso in fiche.versos.all():
            assert all(verso.content[r.code].strip() for r in form.part("verso")), fiche


def test_each_fiche_has_a_first_version_by_its_student(loaded):
    for fiche in Fiche.objects.select_related("student"):
        version = FicheVersion.objects.get(fiche=fiche)
        assert (version.number, version.author_id) == (1, fiche.student.user_id)
        assert version.recto == fiche.recto
        assert version.versos == [v.content for v in fiche.versos.order_by("order")]


def test_emma_has_sixteen_weeks_of_internship_with_attestations(loaded):
    periods = InternshipPeriod.objects.filter(student=_emma())

    assert sum(p.weeks for p in periods) == 16
    assert sorted(p.weeks for p in periods) == [6, 10]
    for period in periods:
        assert default_storage.exists(period.attestation.name)
        with default_storage.open(period.attestation.name) as handle:
            assert handle.read(5) == b"%PDF-"


def test_evidence_files_exist_in_storage_with_their_checksum(loaded, tmp_path):
    evidence = list(Evidence.objects.select_related("activity__student__user"))
    emma_activities = Activity.objects.filter(student=_emma())

    assert emma_activities.count() >= 5
    assert all(1 <= a.evidence.count() <= 2 for a in emma_activities)
    for item in evidence:
        assert item.file.name.startswith("evidence/")
        assert (tmp_path / item.file.name).is_file()
        assert (tmp_path / item.file.name).stat().st_size == item.size
    assert {e.content_type for e in evidence} == {"application/pdf", "image/png"}


def test_the_fair_is_shared_and_each_student_wrote_their_own_fiche(loaded):
    emma_fair = Activity.objects.get(student=_emma(), fiches__kind__code="evenement")
    lucas = Student.objects.get(user__username="etudiant2")
    lucas_fair = Activity.objects.get(student=lucas)

    assert list(emma_fair.participants.all()) == [lucas]
    assert list(lucas_fair.participants.all()) == [_emma()]
    emma_fiche, lucas_fiche = emma_fair.fiches.get(), lucas_fair.fiches.get()
    assert compare_fiches(emma_fiche, lucas_fiche, PARTICIPANTS) == []


def test_the_authorship_check_flags_nothing_in_the_demo_cohort(loaded):
    assert cohort_flagged_pairs(Cohort.objects.get()) == []


def test_prof_follows_emma_with_assessments_comments_and_a_validation(loaded):
    assessments = FormativeAssessment.objects.filter(student=_emma(), assessor__username="prof")

    assert 2 <= assessments.count() <= 3
    assert len({a.assessed_on for a in assessments}) == assessments.count()
    assert all(a.positions.count() >= 2 for a in assessments)
    levels = {p.level.code for a in assessments for p in a.positions.select_related("level")}
    assert levels <= {"TI", "I", "S", "TS"} and len(levels) >= 3
    assert FicheComment.objects.filter(author__username="prof").count() >= 2
    assert Activity.objects.filter(student=_emma(), validated_by__username="prof").count() == 1


def test_every_demo_fiche_fits_its_imposed_pages(loaded):
    from passeport.pdf import analyse_fiche_layout

    for fiche in Fiche.objects.select_related("exam", "kind", "student__user", "student__cohort"):
        layout = analyse_fiche_layout(fiche)
        assert layout.fits, (fiche, layout.page_count, [r.code for r in layout.overflowing])
