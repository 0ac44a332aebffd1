"""From the deposit to the results: the whole E4 commission journey, and the candidate never sees a grid.

A student deposits an E4 dossier; the responsible teacher informs the students of the situation A date; two
members fill grids that disagree on two lines; the commission agrees them; the profile page groups the cohort;
the mark is set; both members sign; the administrator records the deliberation; the student then sees the verso
and the mark, and never the grid (404 on the grid URL).
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from certification.models import (
    CandidateResult,
    Commission,
    Convocation,
    Deliberation,
    DossierState,
    Grid,
    InformationMethod,
    Signature,
)
from passeport.models import Fiche
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.helpers import assert_accessible, log_in
from tests.confidentiality import assert_no_certifying_content
from tests.factories_certification_commissions import add_member, make_commission, step_of
from tests.factories_certification_dossiers import e4_fiches, make_internship
from tests.factories_certification_grids import criteria_of
from tests.factories_certification_jury import make_passage, make_subject_sheet
from tests.personas import PASSWORD, Cast, build_cast

pytestmark = pytest.mark.browser

APPRAISAL_A = "Prospection bien ciblée, information commerciale partagée avec l'équipe."
APPRAISAL_B = "Négociation structurée, reformulation efficace des besoins du client."
DISAGREEING = (0, 5)  # indexes, in grid order, of the two lines the members position differently


@contextmanager
def persona_page(browser, base_url: str, username: str, password: str = PASSWORD) -> Iterator[Page]:
    """A fresh browser context (own cookies) logged in as ``username``."""
    context = browser.new_context(bypass_csp=True, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(page, base_url, username, password=password)
        yield page
    finally:
        context.close()


def fill_member_grid(page: Page, criteria, odd_code: str) -> None:
    """S on every line, ``odd_code`` on the disagreeing lines, then save."""
    for index, criterion in enumerate(criteria):
        code = odd_code if index in DISAGREEING else "S"
        page.locator(f'input[name="critere_{criterion.pk}"][value="{code}"]').check()
    page.get_by_role("button", name="Enregistrer ma grille").click()
    expect(page.get_by_text("Grille enregistrée (version 1).")).to_be_visible()


def student_row(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(re.escape(name))))


@dataclass
class Journey:
    """What every step of the journey shares: the cast, Emma's commission and fiches, the browser."""

    cast: Cast
    commission: Commission
    fiches: list[Fiche]
    criteria: list
    browser: Browser
    base: str
    emma: str


def a_commission_with_emma_convoked(live_server, browser) -> Journey:
    cast = build_cast()
    fiches = e4_fiches(cast.student)
    make_internship(cast.student)
    commission = make_commission(cast, "E4")
    add_member(commission, cast.teacher2)
    # Situation B will be on Emma's négo-vente fiche: « Organiser et animer un évènement commercial » is not assessed.
    criteria = [criterion for criterion in criteria_of(commission) if criterion.competency.order != 3]
    # Emma's situation B passage, both members on its jury: they sign situation B too (planning is another journey).
    passage = make_passage(commission, cast.student)
    Convocation.objects.create(  # convoked to it, as the planning does (no mark before the candidate is convoked)
        passage=passage,
        student=cast.student,
        method=InformationMethod.EMAIL,
        informed_at=timezone.now(),
        informed_by=cast.teacher,
        scheduled_for=passage.starts_at,
        room_name=passage.room.name,
    )
    emma = cast.student.user.display_name
    return Journey(cast, commission, list(fiches), criteria, browser, live_server.url, emma)


def the_student_deposits_her_dossier(j: Journey, page: Page) -> None:
    """The student selects her two fiches and the attestation, saves, then deposits."""
    log_in(page, j.base, j.cast.student.user.username)
    page.get_by_role("link", name="Mes dossiers", exact=True).click()
    page.get_by_role("link", name="Préparer le dossier E4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier E4")
    assert_accessible(page)
    for fiche in j.fiches:
        page.get_by_label(re.compile(rf"^Fiche E4 n° {fiche.number} – ")).check()
    page.get_by_label(re.compile(r"^Nettoyage Pro Rhône, du 04/05/2026")).check()
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.get_by_text("Dossier E4 enregistré (en préparation).")).to_be_visible()
    page.get_by_role("button", name="Déposer le dossier E4").click()
    expect(page.get_by_text(re.compile(r"^Dossier E4 déposé\."))).to_be_visible()
    dossier = j.cast.student.dossiers.get()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.items.count() == 2 and dossier.attestations.count() == 1
    # The commission writes her fiche sujet from her négo-vente fiche (the fiche sujet pages have their own journey).
    make_subject_sheet(j.commission, j.cast.student, dossier)


def the_teacher_informs_the_students_of_both_situation_dates(j: Journey, teacher: Page) -> None:
    teacher.get_by_role("link", name="Commissions", exact=True).click()
    teacher.get_by_role("link", name=re.compile(r"^E4 – ")).click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Commission E4")
    assert_accessible(teacher)
    step_a = step_of(j.commission, "A")
    teacher.locator(f"#etape-{step_a.pk}").get_by_role("button", name=re.compile(r"^Informer officiellement")).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Confirmer l'information officielle")
    assert_accessible(teacher)
    teacher.get_by_role("button", name=re.compile(r"^Confirmer l'envoi")).click()
    expect(teacher.locator(f"#etape-{step_a.pk}")).to_contain_text("tous informés")
    # And of situation B's date: no mark is possible before the candidate is informed of every situation.
    step_b = step_of(j.commission, "B")
    teacher.locator(f"#etape-{step_b.pk}").get_by_role("button", name=re.compile(r"^Informer officiellement")).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Confirmer l'information officielle")
    teacher.get_by_role("button", name=re.compile(r"^Confirmer l'envoi")).click()
    expect(teacher.locator(f"#etape-{step_b.pk}")).to_contain_text("tous informés")


def both_members_fill_grids_that_disagree_on_two_lines(j: Journey, teacher: Page) -> None:
    student_row(teacher, j.emma).get_by_role("link", name="Ma grille").click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Ma grille d’aide à l’évaluation")
    assert_accessible(teacher)
    fill_member_grid(teacher, j.criteria, "TS")
    # The second member positions the same candidate, and disagrees on two lines.
    with persona_page(j.browser, j.base, j.cast.teacher2.username) as teacher2:
        teacher2.goto(j.base + reverse("certification:grid_member", args=[j.commission.pk, j.cast.student.pk]))
        fill_member_grid(teacher2, j.criteria, "I")


def the_commission_agrees_the_two_lines(j: Journey, teacher: Page) -> None:
    teacher.get_by_role("link", name="Grille commune", exact=True).click()
    expect(teacher.get_by_text("2 lignes en désaccord")).to_be_visible()
    expect(teacher.get_by_text("Désaccord : I / TS").or_(teacher.get_by_text("Désaccord : TS / I"))).to_have_count(2)
    assert_accessible(teacher)
    for index in DISAGREEING:
        teacher.locator(f'input[name="critere_{j.criteria[index].pk}"][value="S"]').check()
    teacher.get_by_role("button", name="Enregistrer la grille commune").click()
    expect(teacher.get_by_text("Grille enregistrée (version 1).")).to_be_visible()
    agreed = Grid.objects.get(commission=j.commission, student=j.cast.student, member=None)
    assert {line.level.code for line in agreed.lines.select_related("level")} == {"S"}


def the_profile_page_groups_the_cohort_and_the_mark_is_set(j: Journey, teacher: Page) -> None:
    teacher.goto(j.base + reverse("certification:commission_detail", args=[j.commission.pk]))
    teacher.get_by_role("link", name="Profils et notes du groupe").click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Profils et notes")
    group = teacher.locator("section.profile-group").filter(has=teacher.locator(f"#candidat-{j.cast.student.pk}"))
    expect(teacher.get_by_role("heading", level=2, name=re.compile("Profils évalués sur « Négocier"))).to_be_visible()
    expect(group.get_by_role("heading", level=3)).to_contain_text(re.compile(r"Profil S-S-NE-S\s+\(1 candidat\)"))
    expect(teacher.locator("section.profile-group")).to_have_count(2)  # Lucas, without a grid, apart
    assert_accessible(teacher)
    group.get_by_label("de", exact=True).fill("13")
    group.get_by_label("à", exact=True).fill("15")
    teacher.get_by_label(f"Note sur 20 de {j.emma}").fill("14")
    teacher.get_by_role("button", name="Enregistrer les plages et les notes", exact=True).click()
    expect(teacher.get_by_text(re.compile(r"^Enregistré : \d+ modification"))).to_be_visible()
    result = CandidateResult.objects.get(commission=j.commission, student=j.cast.student)
    assert result.mark == 14


def the_teacher_writes_and_signs_the_evaluation_sheet(j: Journey, teacher: Page) -> None:
    """The evaluation sheet (verso): appraisals of A and B, the fiche of B, then the signature."""
    teacher.goto(j.base + reverse("certification:commission_detail", args=[j.commission.pk]))
    student_row(teacher, j.emma).get_by_role("link", name="Fiche d'évaluation").click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Fiche d'évaluation (verso)")
    teacher.locator('textarea[name="text_A"]').fill(APPRAISAL_A)
    teacher.locator('select[name="fiche_B"]').select_option(str(j.fiches[0].pk))
    teacher.locator('input[name="date_B"]').fill("2027-06-03")
    teacher.locator('textarea[name="text_B"]').fill(APPRAISAL_B)
    assert_accessible(teacher)
    teacher.get_by_role("button", name="Enregistrer la fiche d'évaluation").click()
    expect(teacher.get_by_text(re.compile(r"^Fiche d'évaluation enregistrée\."))).to_be_visible()
    teacher.get_by_role("link", name="Signer la fiche").click()
    assert_accessible(teacher)
    teacher.get_by_label("Votre mot de passe").fill(PASSWORD)
    teacher.get_by_role("button", name="Je confirme et je signe").click()
    expect(teacher.get_by_text("Fiche d'évaluation signée électroniquement.")).to_be_visible()


def the_second_member_signs(j: Journey) -> None:
    with persona_page(j.browser, j.base, j.cast.teacher2.username) as teacher2:
        teacher2.goto(j.base + reverse("certification:evaluation_sign", args=[j.commission.pk, j.cast.student.pk]))
        teacher2.get_by_label("Votre mot de passe").fill(PASSWORD)
        teacher2.get_by_role("button", name="Je confirme et je signe").click()
        expect(teacher2.get_by_text("Fiche d'évaluation signée électroniquement.")).to_be_visible()
        expect(teacher2.get_by_text(re.compile(r"^Toutes les signatures requises sont données"))).to_be_visible()
    assert Signature.objects.filter(sheet__commission=j.commission, sheet__student=j.cast.student).count() == 2


def the_administrator_records_the_deliberation(j: Journey) -> None:
    # Lucas deposited nothing: NV (his own journey is in test_journey_demo_class); then every candidate has a final
    # status and the administrator records the jury's deliberation.
    CandidateResult.objects.create(commission=j.commission, student=j.cast.student2, status="nv")
    # The jury deliberates after the last situation (3 June 2027): the clock moves there.
    with time_machine.travel(datetime.datetime(2027, 6, 20, 10, tzinfo=ZoneInfo("Europe/Paris")), tick=True):
        with persona_page(j.browser, j.base, j.cast.admin.username) as admin:
            admin.goto(j.base + reverse("certification:commission_detail", args=[j.commission.pk]))
            admin.get_by_role("link", name="Délibération du jury").click()
            expect(admin.get_by_role("heading", level=1)).to_have_text("Délibération du jury")
            assert_accessible(admin)
            admin.get_by_label("Date de la délibération du jury").fill(timezone.localdate().isoformat())
            admin.get_by_role("button", name="Enregistrer la délibération et publier les résultats").click()
            expect(admin.get_by_text(re.compile(r"^Délibération du .* enregistrée :"))).to_be_visible()
    assert Deliberation.objects.filter(commission=j.commission).exists()


def the_student_sees_the_verso_and_the_mark_never_the_grid(j: Journey, page: Page) -> None:
    page.get_by_role("link", name="Mes résultats", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes résultats des épreuves en CCF")
    expect(page.get_by_text(APPRAISAL_A)).to_be_visible()
    expect(page.get_by_text(APPRAISAL_B)).to_be_visible()
    expect(page.locator(".sheet-mark")).to_contain_text(re.compile(r"\b14\b"))
    assert_no_certifying_content(page.content())
    assert_accessible(page)
    for name in ("grid_member", "grid_agreed", "grid_pdf"):
        response = page.goto(j.base + reverse(f"certification:{name}", args=[j.commission.pk, j.cast.student.pk]))
        assert response.status == 404, name
        assert_no_certifying_content(page.content())


def test_a_deposited_dossier_goes_through_the_commission_to_a_released_mark_without_the_grid(
    live_server, page, browser, settings
):
    """One journey in named steps, in order: each step starts where the previous one left the data and the pages."""
    # The information emails are accepted at once: « informé·e » needs the mail server's acceptance (issue 18).
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    j = a_commission_with_emma_convoked(live_server, browser)
    the_student_deposits_her_dossier(j, page)
    with persona_page(browser, j.base, j.cast.teacher.username) as teacher:
        the_teacher_informs_the_students_of_both_situation_dates(j, teacher)
        both_members_fill_grids_that_disagree_on_two_lines(j, teacher)
        the_commission_agrees_the_two_lines(j, teacher)
        the_profile_page_groups_the_cohort_and_the_mark_is_set(j, teacher)
        the_teacher_writes_and_signs_the_evaluation_sheet(j, teacher)
    the_second_member_signs(j)
    the_administrator_records_the_deliberation(j)
    the_student_sees_the_verso_and_the_mark_never_the_grid(j, page)
