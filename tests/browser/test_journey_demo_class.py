"""The E4 demo class of 24, from where the demo leaves it to the released mark — and back, through a reopening.

The demo (``load_demo``) leaves 22 candidates graded on négociation or on évènement with ranges and marks, Emma
(``etudiant``) with her fiche sujet and her situation B passage but neither information of situation A nor grid,
and ``etudiant24`` without any dossier. The clock moves through the 2027 session:

- 1 May: the responsible teacher informs the two candidates left of situation A's date, records that Emma is ready,
  and records « absence de dépôt » for ``etudiant24`` (NV) from his « Parcours » page;
- 3 June, the day of situation B: Emma is absent with a medical certificate; the absence is recorded with its
  document and the passage moved to 14 June, which convokes her again;
- 20 June: the agreed grid (négociation: the évènement compétence is « non évaluée »), the mark, the evaluation
  sheet, both signatures; the classmates' sheets are signed (set up directly: 22 × 2 signatures through a browser
  would only repeat the steps shown for Emma); the administration deliberates; Emma sees her mark;
- then the responsible teacher reopens Emma's result with a reason: her page says so, the mark changes, both sign
  again and a new deliberation releases the new mark.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from certification.evaluation.services.locking import lock
from certification.evaluation.services.sheets import format_mark
from certification.models import (
    Absence,
    CandidateResult,
    Commission,
    Deliberation,
    EvaluationSheet,
    Passage,
    Reopening,
    SituationAppraisal,
    SubjectSheet,
)
from tests.browser.helpers import assert_accessible
from tests.browser.test_journey_commission import persona_page

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")
CERTIFICATE = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
APPRAISAL_A = "Prospection ciblée et information commerciale partagée avec l'équipe."
APPRAISAL_B = "Négociation structurée ; reformulation efficace des objections du client."


def as_user(browser, base_url: str, username: str):
    """A fresh browser context logged in as a demo account."""
    return persona_page(browser, base_url, username, DEMO_PASSWORD)


def sign_the_classmates(commission: Commission) -> None:
    """Every graded classmate's verso, signed by the two teachers (the members carrying the responsibility)."""
    signers = list(commission.members.filter(carries_responsibility=True))
    results = CandidateResult.objects.filter(commission=commission, status="mark", locked_at__isnull=True)
    for result in results.select_related("student"):
        if EvaluationSheet.objects.filter(commission=commission, student=result.student).exists():
            continue
        sheet = EvaluationSheet.objects.create(commission=commission, student=result.student, version=1)
        for situation in commission.situations.all():
            SituationAppraisal.objects.create(
                sheet=sheet, situation=situation, date=datetime.date(2027, 6, 3), text="Appréciation de la commission."
            )
        for member in signers:
            sheet.signatures.create(member=member, sheet_version=1, mark_repr=format_mark(result))
        lock(commission, result.student, actor=commission.responsible)


def sign(page: Page, base: str, commission: Commission, student) -> None:
    page.goto(base + reverse("certification:evaluation_sign", args=[commission.pk, student.pk]))
    page.get_by_label("Votre mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Je confirme et je signe").click()
    expect(page.get_by_text("Fiche d'évaluation signée électroniquement.")).to_be_visible()


def set_mark(page: Page, base: str, commission: Commission, name: str, mark: str) -> None:
    page.goto(base + reverse("certification:profiles", args=[commission.pk]))
    page.get_by_label(f"Note sur 20 de {name}").fill(mark)
    page.get_by_role("button", name="Enregistrer les plages et les notes", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Enregistré : \d+ modification"))).to_be_visible()


def deliberate(page: Page, base: str, commission: Commission, button: str) -> None:
    page.goto(base + reverse("certification:deliberation", args=[commission.pk]))
    page.get_by_label("Date de la délibération du jury").fill("2027-06-20")
    page.get_by_role("button", name=button).click()
    expect(page.locator(".message-success")).to_contain_text(re.compile(r"élibération du .* enregistrée"))


def test_the_demo_class_from_absence_de_depot_and_a_justified_absence_to_a_reopened_then_released_mark(
    live_server, browser, settings, tmp_path
):
    settings.DEMO_MODE = True
    # The information emails are accepted at once: « informé·e » needs the mail server's acceptance (issue 18).
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    # The demo's commission with a professional member: the one of the exam with a fiche sujet (E4).
    commission = Commission.objects.get(members__user__username="pro")
    emma = commission.cohort.students.get(user__username="etudiant")
    missing = commission.cohort.students.get(user__username="etudiant24")
    base = live_server.url
    lifecycle_url = reverse("certification:candidate_lifecycle", args=[commission.pk, emma.pk])

    with time_machine.travel(datetime.datetime(2027, 5, 1, 9, tzinfo=PARIS), tick=True) as clock:
        with as_user(browser, base, "prof") as prof:
            prof.goto(base + reverse("certification:commission_detail", args=[commission.pk]))
            expect(prof.locator("#etat")).to_contain_text("Avant la délibération")
            assert_accessible(prof)
            step_a = commission.situations.get(code="A").steps.order_by("date").first()
            assert step_a is not None
            inform = re.compile(r"^Informer officiellement")
            prof.locator(f"#etape-{step_a.pk}").get_by_role("button", name=inform).click()
            # The confirmation says who and how before anything is sent (two pages, one more click).
            expect(prof.get_by_role("heading", level=1)).to_have_text("Confirmer l'information officielle")
            assert_accessible(prof)
            prof.get_by_role("button", name=re.compile(r"^Confirmer l'envoi")).click()
            expect(prof.locator(f"#etape-{step_a.pk}")).to_contain_text("tous informés")

            # Emma is judged ready for A and B.
            prof.goto(base + lifecycle_url)
            expect(prof.get_by_role("heading", level=1)).to_contain_text("Parcours de certification")
            assert_accessible(prof)
            for code in ("A", "B"):
                situation = commission.situations.get(code=code)
                readiness_form = prof.locator("form").filter(
                    has=prof.get_by_role("button", name="Enregistrer : prêt·e à être évalué·e")
                )
                readiness_form.get_by_label("Situation").select_option(str(situation.pk))
                prof.get_by_label("Motifs (formation, expérience, dossier)").fill("Deux fiches riches, stage complet.")
                prof.get_by_role("button", name="Enregistrer : prêt·e à être évalué·e").click()
                expect(prof.get_by_text(f"en situation {code}.")).to_be_visible()

            # etudiant24 never opened a dossier: NV « absence de dépôt ».
            prof.goto(base + reverse("certification:candidate_lifecycle", args=[commission.pk, missing.pk]))
            prof.get_by_role("button", name="Enregistrer un NV « absence de dépôt »").click()
            expect(prof.get_by_role("heading", level=1)).to_contain_text("onformité")
            prof.get_by_label("Non conforme : mention NV").check()
            prof.get_by_label(re.compile(r"^Absence de dépôt de dossier")).check()
            prof.get_by_role("button", name="Enregistrer le contrôle").click()
            prof.goto(base + reverse("certification:profiles", args=[commission.pk]))
            prof.locator(f'select[name="c{missing.pk}-status"]').select_option("nv")
            prof.get_by_role("button", name="Enregistrer les plages et les notes", exact=True).click()
            expect(prof.get_by_text(re.compile(r"^Enregistré : \d+ modification"))).to_be_visible()
        assert CandidateResult.objects.get(commission=commission, student=missing).status == "nv"

        # 3 June: Emma is absent from her passage, with a medical certificate.
        clock.move_to(datetime.datetime(2027, 6, 3, 10, tzinfo=PARIS))
        certificate = tmp_path / "certificat-medical.pdf"
        certificate.write_bytes(CERTIFICATE)
        with as_user(browser, base, "prof") as prof:
            prof.goto(base + lifecycle_url)
            form = prof.locator("form").filter(has=prof.get_by_role("button", name="Enregistrer l'absence"))
            form.get_by_label("Date de l'absence").fill("2027-06-03")
            form.get_by_role("radio", name="Justifiée", exact=True).check()
            form.get_by_label(re.compile(r"^Justificatif")).set_input_files(str(certificate))
            form.get_by_role("button", name="Enregistrer l'absence").click()
            expect(prof.get_by_text(re.compile(r"^Absence justifiée enregistrée"))).to_be_visible()
            expect(prof.get_by_text("nouvelle date à fixer")).to_be_visible()
            prof.get_by_role("link", name=re.compile(r"^modifier le passage")).click()
            prof.locator('input[name="date"]').fill("2027-06-14")
            prof.locator('input[name="time"]').fill("09:00")
            prof.get_by_role("button", name="Enregistrer", exact=True).click()
            prof.goto(base + lifecycle_url)
            expect(prof.get_by_text("nouvelle date convoquée")).to_be_visible()
        absence = Absence.objects.get(student=emma)
        assert absence.kind == "justified" and absence.document_name == "certificat-medical.pdf"
        passage = Passage.objects.get(student=emma)
        assert passage.starts_at.astimezone(PARIS).date() == datetime.date(2027, 6, 14)
        assert passage.convocations.filter(superseded_at__isnull=True).count() == 1

        # 20 June: grid, mark, sheet and signatures; the administration deliberates.
        clock.move_to(datetime.datetime(2027, 6, 20, 10, tzinfo=PARIS))
        sheet = SubjectSheet.objects.get(commission=commission, student=emma)
        with as_user(browser, base, "prof") as prof:
            prof.goto(base + reverse("certification:grid_agreed", args=[commission.pk, emma.pk]))
            expect(prof.get_by_text("non évaluée").first).to_be_visible()
            for radio in prof.locator('input[type="radio"][value="S"]').all():
                radio.check()
            prof.get_by_role("button", name="Enregistrer la grille commune").click()
            expect(prof.get_by_text(re.compile(r"^Grille enregistrée"))).to_be_visible()
            set_mark(prof, base, commission, emma.user.display_name, "14")
            prof.goto(base + reverse("certification:evaluation_sheet", args=[commission.pk, emma.pk]))
            prof.locator('textarea[name="text_A"]').fill(APPRAISAL_A)
            prof.locator('select[name="fiche_B"]').select_option(str(sheet.dossier_fiche.fiche_id))
            prof.locator('input[name="date_B"]').fill("2027-06-14")
            prof.locator('textarea[name="text_B"]').fill(APPRAISAL_B)
            prof.get_by_role("button", name="Enregistrer la fiche d'évaluation").click()
            expect(prof.get_by_text(re.compile(r"^Fiche d'évaluation enregistrée\."))).to_be_visible()
            sign(prof, base, commission, emma)
        with as_user(browser, base, "prof2") as prof2:
            sign(prof2, base, commission, emma)
        sign_the_classmates(commission)
        with as_user(browser, base, "admin") as admin:
            admin.goto(base + reverse("certification:deliberation", args=[commission.pk]))
            assert_accessible(admin)
            deliberate(admin, base, commission, "Enregistrer la délibération et publier les résultats")
        assert Deliberation.objects.filter(commission=commission).exists()
        with as_user(browser, base, "etudiant") as student:
            student.get_by_role("link", name="Mes résultats", exact=True).click()
            expect(student.locator(".sheet-mark").first).to_contain_text(re.compile(r"\b14\b"))

        # The responsible teacher reopens Emma's result: she is told, the mark changes, a new deliberation.
        with as_user(browser, base, "prof") as prof:
            prof.goto(base + reverse("certification:result_reopen", args=[commission.pk, emma.pk]))
            expect(prof.get_by_text(re.compile(r"réouverture formelle"))).to_be_visible()
            assert_accessible(prof)
            prof.get_by_label(re.compile(r"^Motif de la réouverture")).fill("Erreur de report de la note de B")
            prof.get_by_role("button", name="Rouvrir").click()
            expect(prof.get_by_text(re.compile(r"Une nouvelle délibération du jury sera nécessaire"))).to_be_visible()
        assert Reopening.objects.get(student=emma).closed_on is None
        with as_user(browser, base, "etudiant") as student:
            student.get_by_role("link", name="Mes résultats", exact=True).click()
            expect(student.get_by_text(re.compile(r"a été rouvert par la commission"))).to_be_visible()
            assert_accessible(student)
        with as_user(browser, base, "prof") as prof:
            set_mark(prof, base, commission, emma.user.display_name, "15")
            sign(prof, base, commission, emma)
        with as_user(browser, base, "prof2") as prof2:
            sign(prof2, base, commission, emma)
        with as_user(browser, base, "admin") as admin:
            deliberate(admin, base, commission, "Enregistrer la nouvelle délibération")
        assert Reopening.objects.get(student=emma).closed_on == datetime.date(2027, 6, 20)
        with as_user(browser, base, "etudiant") as student:
            student.get_by_role("link", name="Mes résultats", exact=True).click()
            expect(student.locator(".sheet-mark").first).to_contain_text(re.compile(r"\b15\b"))
