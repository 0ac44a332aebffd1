"""Keyboard only (no click), for the student, the professional and the teacher giving a mark: every focused
element is on screen and not hidden under a sticky bar; keys and page loads are counted (printed with -s)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from certification.models import CandidateResult, Grid, MemberRole, ResultStatus
from passeport.models import Evidence, FicheVersion
from passeport.tests.evidence_samples import PDF_BYTES
from passeport.tests.fiche_pdf_texts import make_filled_fiche
from tests.browser.helpers import assert_accessible, assert_focus_seen
from tests.browser.test_journey_candidate_flow import Counter
from tests.factories_certification_grids import make_grid_commission
from tests.factories_certification_marks import make_marks_commission
from tests.personas import PASSWORD, build_cast

pytestmark = pytest.mark.browser


class Walk(Counter):
    """A keyboard journey that checks, after every Tab, that the focused element is seen."""

    def press(self, key: str, times: int = 1) -> None:
        super().press(key, times)
        if key == "Tab":  # every element the Tab key reaches, not only the one looked for
            assert_focus_seen(self.page)

    def follow(self, predicate: str) -> None:
        """Tab to a link or a submit button and press Enter: a new page."""
        self.tab_to(predicate)
        with self.page.expect_navigation():
            self.press("Enter")


def _log_in(walk: Walk, base_url: str, username: str) -> None:
    page = walk.page
    page.goto(f"{base_url}/connexion/")
    walk.tab_to("el.name === 'username'")
    walk.type(username)
    walk.press("Tab")
    walk.type(PASSWORD)
    with page.expect_navigation():
        walk.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_a_student_writes_a_fiche_adds_a_verso_and_attaches_evidence_with_the_keyboard(
    live_server, page: Page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    fiche = make_filled_fiche(cast.student)
    page.set_viewport_size({"width": 1280, "height": 720})
    walk = Walk(page)

    _log_in(walk, live_server.url, cast.student.user.username)
    walk.follow("el.textContent.trim() === 'Mon passeport'")
    walk.follow(f"el.textContent.trim() === {fiche.activity.title!r}")
    expect(page.get_by_role("heading", level=1)).to_have_text(fiche.activity.title)

    # Evidence: the file input opens the chooser from the keyboard.
    evidence = tmp_path / "compte-rendu.pdf"
    evidence.write_bytes(PDF_BYTES)
    walk.tab_to("el.type === 'file'")
    with page.expect_file_chooser() as chooser:
        walk.press("Space")
    chooser.value.set_files(str(evidence))
    walk.follow("el.textContent.trim() === 'Envoyer les fichiers'")
    expect(page.get_by_role("link", name="compte-rendu.pdf")).to_be_visible()
    assert Evidence.objects.filter(activity=fiche.activity).count() == 1

    # The fiche: a rubric rewritten, saved from the sticky bar, then a verso added.
    walk.follow(f"el.textContent.includes({fiche.title!r})")
    walk.tab_to("el.name === 'recto__historique'")
    walk.press("Control+a")
    walk.type("Un historique réécrit au clavier.")
    walk.follow("el.tagName === 'BUTTON' && el.textContent.trim() === 'Enregistrer'")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert FicheVersion.objects.filter(fiche=fiche).exists()
    fiche.refresh_from_db()
    assert fiche.recto["historique"] == "Un historique réécrit au clavier."
    walk.follow("el.tagName === 'BUTTON' && el.textContent.trim() === 'Ajouter un verso'")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert fiche.versos.count() == 2
    assert_accessible(page)
    print(f"\nétudiant·e : {walk.keys} touches, {walk.loads} pages chargées")


def test_a_professional_reaches_and_fills_their_grid_with_the_keyboard(live_server, page: Page):
    cast = build_cast()
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    page.set_viewport_size({"width": 1280, "height": 720})
    walk = Walk(page)

    _log_in(walk, live_server.url, cast.professional.username)
    walk.follow("el.textContent.trim() === 'Mes commissions'")
    walk.follow(f"el.href && el.href.endsWith({reverse('certification:commission_detail', args=[commission.pk])!r})")
    grid_url = reverse("certification:grid_member", args=[commission.pk, cast.student.pk])
    walk.follow(f"el.href && el.href.endsWith({grid_url!r})")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ma grille")
    walk.tab_to("el.type === 'radio'")
    walk.press("ArrowLeft", 2)  # « Non positionné » → TS → S
    walk.follow("el.tagName === 'BUTTON' && el.textContent.trim() === 'Enregistrer ma grille'")
    expect(page.get_by_text("Grille enregistrée")).to_be_visible()
    assert Grid.objects.get(member__user=cast.professional).lines.exclude(level=None).count() == 1
    assert_accessible(page)
    print(f"\nprofessionnel·le : {walk.keys} touches, {walk.loads} pages chargées")


def test_the_responsible_teacher_gives_a_mark_on_the_profiles_page_with_the_keyboard(live_server, page: Page):
    cast = build_cast()
    commission = make_marks_commission(cast, markable=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    walk = Walk(page)

    _log_in(walk, live_server.url, cast.teacher.username)
    walk.follow("el.textContent.trim() === 'Commissions'")
    walk.follow(f"el.href && el.href.endsWith({reverse('certification:commission_detail', args=[commission.pk])!r})")
    walk.follow(f"el.href && el.href.endsWith({reverse('certification:profiles', args=[commission.pk])!r})")
    walk.tab_to(f"el.name === 'c{cast.student.pk}-mark'")
    walk.type("14")
    walk.follow("el.tagName === 'BUTTON' && el.name === 'groupe'")
    expect(page.locator("#messages")).to_be_visible()
    result = CandidateResult.objects.get(commission=commission, student=cast.student)
    assert (result.status, result.mark) == (ResultStatus.MARK, Decimal("14"))
    assert_accessible(page)
    print(f"\nenseignant·e, note : {walk.keys} touches, {walk.loads} pages chargées")
