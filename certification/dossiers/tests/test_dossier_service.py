"""Dossier services: selection, deposit (freezing the fiches), deadline, late deposit by an administrator."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import AuditEntry
from certification.dossiers.selectors import is_late
from certification.dossiers.services import dossiers as services
from certification.dossiers.services.composition import composition_defects
from certification.models import DossierFiche, DossierState
from passeport.models import FicheVersion
from passeport.services.fiches import save_fiche
from tests.factories import exam, make_fiche
from tests.factories_certification_dossiers import (
    complete_dossier,
    deadline_of,
    e4_fiches,
    make_dossier,
    make_internship,
)

PARIS = ZoneInfo("Europe/Paris")


def _at(day: datetime.date, hour: int = 12):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS), tick=False)


# --- Selection ---------------------------------------------------------------------------------------------------


def test_the_first_save_creates_the_draft(cast):
    nego, event = e4_fiches(cast.student)
    period = make_internship(cast.student)

    dossier = services.save_dossier_selection(
        student=cast.student,
        exam=exam("E4", cast.student),
        author=cast.student.user,
        fiches=[(nego, nego.versos.first()), (event, event.versos.first())],
        internships=[period],
    )

    assert dossier.state == DossierState.DRAFT
    assert dossier.session == cast.session
    assert [i.fiche for i in dossier.items.order_by("order")] == [nego, event]
    assert [a.internship for a in dossier.attestations.all()] == [period]
    assert AuditEntry.objects.filter(action="dossier.created", object_id=str(dossier.pk)).exists()


def test_a_later_save_replaces_the_selection(cast):
    dossier = complete_dossier(cast.student)
    other = make_fiche(cast.student, kind_code="evenement", title="Autre événement")

    services.save_dossier_selection(
        student=cast.student, exam=dossier.exam, author=cast.student.user, fiches=[(other, None)], internships=[]
    )

    assert [i.fiche for i in dossier.items.all()] == [other]
    assert not dossier.attestations.exists()
    assert AuditEntry.objects.filter(action="dossier.saved", object_id=str(dossier.pk)).exists()


def test_a_selection_with_defects_is_saved_anyway(cast):
    one = make_fiche(cast.student, kind_code="nego-vente")
    two = make_fiche(cast.student, kind_code="nego-vente")

    dossier = services.save_dossier_selection(
        student=cast.student,
        exam=exam("E4", cast.student),
        author=cast.student.user,
        fiches=[(one, None), (two, None)],
        internships=[],
    )

    assert dossier.items.count() == 2
    assert composition_defects(dossier)


def test_someone_elses_fiche_is_refused(cast):
    fiche = make_fiche(cast.student2)

    with pytest.raises(services.DossierError):
        services.save_dossier_selection(
            student=cast.student,
            exam=exam("E4", cast.student),
            author=cast.student.user,
            fiches=[(fiche, None)],
            internships=[],
        )


def test_a_deposited_dossier_cannot_be_changed(cast):
    dossier = complete_dossier(cast.student)
    services.submit_dossier(dossier=dossier, actor=cast.student.user)

    with pytest.raises(services.DossierError, match="déposé"):
        services.save_dossier_selection(
            student=cast.student, exam=dossier.exam, author=cast.student.user, fiches=[], internships=[]
        )

    assert dossier.items.count() == 2


# --- Deposit -----------------------------------------------------------------------------------------------------


def test_submitting_records_the_deposit(cast):
    dossier = complete_dossier(cast.student)

    with _at(deadline_of(cast.student) - datetime.timedelta(days=10)):
        result = services.submit_dossier(dossier=dossier, actor=cast.student.user)

    dossier.refresh_from_db()
    assert result.status == services.SUBMITTED
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.submitted_by == cast.student.user
    assert dossier.submitted_at.astimezone(PARIS).date() == deadline_of(cast.student) - datetime.timedelta(days=10)
    assert not is_late(dossier)
    assert AuditEntry.objects.filter(action="dossier.submitted", object_id=str(dossier.pk)).exists()


def test_submitting_freezes_each_fiche_in_a_new_version(cast):
    dossier = complete_dossier(cast.student)
    before = FicheVersion.objects.count()

    services.submit_dossier(dossier=dossier, actor=cast.student.user)

    assert FicheVersion.objects.count() == before + 2
    for item in DossierFiche.objects.filter(dossier=dossier).select_related("version", "fiche"):
        assert item.version.fiche == item.fiche
        assert item.version.title == item.fiche.title
        assert item.version.recto == item.fiche.recto
        assert item.version.versos == [item.fiche.versos.get().content]
        assert item.version.author == cast.student.user
        assert not item.version.is_conflict
        assert not item.version.is_autosave


def test_editing_a_fiche_after_the_deposit_leaves_the_dossier_unchanged(cast):
    dossier = complete_dossier(cast.student)
    services.submit_dossier(dossier=dossier, actor=cast.student.user)
    item = dossier.items.select_related("version", "fiche").first()
    fiche, frozen_recto = item.fiche, dict(item.version.recto)

    save_fiche(
        fiche=fiche,
        author=cast.student.user,
        base_version=fiche.version,
        title="Titre réécrit",
        recto={code: "Texte réécrit après le dépôt." for code in fiche.recto},
        versos=[],
    )

    fiche.refresh_from_db()
    assert fiche.title == "Titre réécrit"
    item.refresh_from_db()
    item.version.refresh_from_db()
    assert item.version.title != "Titre réécrit"
    assert item.version.recto == frozen_recto
    assert "Texte réécrit après le dépôt." not in item.version.recto.values()


def test_an_e4_fiche_chosen_with_two_versos_is_frozen_once(cast):
    fiche = make_fiche(cast.student)
    second = fiche.versos.create(order=2, content={})
    dossier = make_dossier(cast.student, fiches=[fiche])
    DossierFiche.objects.create(dossier=dossier, fiche=fiche, verso=second, order=2)

    services.submit_dossier(dossier=dossier, actor=cast.student.user)

    versions = {item.version_id for item in dossier.items.all() if item.version_id is not None}
    assert len(versions) == 1
    assert len(FicheVersion.objects.get(pk=versions.pop()).versos) == 2


def test_submitting_twice_changes_nothing(cast):
    dossier = complete_dossier(cast.student)
    services.submit_dossier(dossier=dossier, actor=cast.student.user)
    dossier.refresh_from_db()
    versions = FicheVersion.objects.count()

    result = services.submit_dossier(dossier=dossier, actor=cast.student.user)

    assert result.status == services.ALREADY_SUBMITTED
    assert FicheVersion.objects.count() == versions
    assert result.dossier.submitted_at == dossier.submitted_at
    assert AuditEntry.objects.filter(action="dossier.submitted").count() == 1


def test_composition_defects_never_block_the_deposit(cast):
    dossier = make_dossier(cast.student)  # no fiche, no attestation

    result = services.submit_dossier(dossier=dossier, actor=cast.student.user)

    assert result.status == services.SUBMITTED
    assert composition_defects(result.dossier)


def test_the_deadline_day_itself_is_still_open(cast):
    dossier = complete_dossier(cast.student)

    with _at(deadline_of(cast.student), hour=23):
        services.submit_dossier(dossier=dossier, actor=cast.student.user)

    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert not is_late(dossier)


def test_a_student_cannot_deposit_after_the_deadline(cast):
    dossier = complete_dossier(cast.student)
    deadline = deadline_of(cast.student)

    with _at(deadline + datetime.timedelta(days=1), hour=0), pytest.raises(services.DossierError) as refused:
        services.submit_dossier(dossier=dossier, actor=cast.student.user)

    assert refused.value.message == (
        f"La date limite de dépôt du {deadline:%d/%m/%Y} est passée : "
        "adressez-vous à l'administration de votre établissement."
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    assert not dossier.items.filter(version__isnull=False).exists()


def test_only_the_student_deposits(cast):
    dossier = complete_dossier(cast.student)

    with pytest.raises(services.DossierError):
        services.submit_dossier(dossier=dossier, actor=cast.admin)


# --- Late deposit ------------------------------------------------------------------------------------------------


def test_an_administrator_records_a_late_deposit(cast):
    dossier = complete_dossier(cast.student)
    deadline = deadline_of(cast.student)

    with _at(deadline + datetime.timedelta(days=5)):
        services.record_late_deposit(
            dossier=dossier,
            actor=cast.admin,
            deposit_date=deadline + datetime.timedelta(days=3),
            reason="Hospitalisée.",
        )

    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.submitted_by == cast.admin
    assert dossier.late_deposit_recorded_by == cast.admin
    assert dossier.late_deposit_date == deadline + datetime.timedelta(days=3)
    assert dossier.late_deposit_reason == "Hospitalisée."
    assert dossier.late_deposit_recorded_at is not None
    assert is_late(dossier)
    assert all(item.version.author == cast.student.user for item in dossier.items.select_related("version"))
    entry = AuditEntry.objects.get(action="dossier.late_deposit_recorded")
    assert entry.changes["motif"] == "Hospitalisée."
    assert entry.establishment_id == cast.establishment.pk


def test_a_late_deposit_needs_a_reason(cast):
    dossier = complete_dossier(cast.student)

    with pytest.raises(services.DossierError, match="motif"):
        services.record_late_deposit(
            dossier=dossier, actor=cast.admin, deposit_date=datetime.date(2026, 1, 5), reason="  "
        )

    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_a_teacher_cannot_record_a_late_deposit(cast):
    dossier = complete_dossier(cast.student)

    with pytest.raises(services.DossierError):
        services.record_late_deposit(
            dossier=dossier, actor=cast.teacher, deposit_date=datetime.date(2026, 1, 5), reason="x"
        )


def test_a_deposited_dossier_has_no_late_deposit_to_record(cast):
    dossier = complete_dossier(cast.student)
    services.submit_dossier(dossier=dossier, actor=cast.student.user)

    with pytest.raises(services.DossierError, match="déjà été déposé"):
        services.record_late_deposit(
            dossier=dossier, actor=cast.admin, deposit_date=datetime.date(2026, 1, 5), reason="x"
        )


def test_a_dossier_submitted_after_the_deadline_counts_as_late(cast):
    dossier = complete_dossier(cast.student)
    dossier.state = DossierState.SUBMITTED
    dossier.submitted_at = datetime.datetime.combine(
        deadline_of(cast.student) + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=PARIS
    )

    assert is_late(dossier)
    dossier.submitted_at -= datetime.timedelta(hours=1)  # 23:30 on the deadline, Paris time
    assert not is_late(dossier)
