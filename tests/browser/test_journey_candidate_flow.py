"""One flow per candidate, with the keyboard only (no click): keys and page loads are counted.

- A member fills a candidate's grid and reaches the next candidate's grid without going back to the commission page
  (« Enregistrer et passer au candidat suivant »), compared with the way back through the commission page.
- The responsible teacher goes from the agreed grid to a signed evaluation sheet in at most two page loads
  (« Enregistrer et ouvrir la fiche d'évaluation », then « Enregistrer et signer »).
- The profiles page: tab stops to its first save button.

The counts are printed (pytest -s) for the issue's note.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from certification.models import EvaluationSheet, Grid, Signature
from tests.browser.helpers import assert_accessible, assert_focus_seen, log_in
from tests.factories_certification_commissions import make_convocation, step_of
from tests.factories_certification_grids import criteria_of, fill_grid, make_grid_commission, seat
from tests.factories_certification_sheets import make_result
from tests.personas import PASSWORD, build_cast, make_student

pytestmark = pytest.mark.browser
TAB_LIMIT = 400


class Counter:
    """Key presses and page loads (main frame navigations) of one journey."""

    def __init__(self, page: Page):
        self.page = page
        self.keys = 0
        self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page) -> None:
        self.loads += 1

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.keys += 1
            if key == "Tab":  # every element the Tab key reaches is on screen and not covered
                assert_focus_seen(self.page)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def tab_to(self, predicate: str) -> int:
        """Tab until ``predicate`` (JS, over ``el`` = the focused element) holds; the number of Tabs."""
        for count in range(1, TAB_LIMIT + 1):
            self.press("Tab")
            if self.page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
                return count
        raise AssertionError(f"{predicate} jamais atteint en {TAB_LIMIT} tabulations sur {self.page.url}")


def _focused_is_visible(page: Page) -> None:
    box = page.evaluate(
        "() => { const r = document.activeElement.getBoundingClientRect();"
        " return [r.top, r.bottom, window.innerHeight]; }"
    )
    assert 0 <= box[0] and box[1] <= box[2], f"l'élément focalisé sort de l'écran : {box}"


def _position_two_lines(counter: Counter, first_name: str) -> None:
    """Critères 1 and 2 at « S »: into the first radio group, arrows to move within it, Tab to the next group."""
    counter.tab_to(f"el.name === '{first_name}'")
    counter.press("ArrowLeft", 2)  # « Non positionné » → TS → S
    counter.press("Tab")  # the next critère's group
    counter.press("ArrowLeft", 2)


def test_a_member_grades_a_candidate_then_the_next_one_with_the_keyboard(live_server, page):
    cast = build_cast()
    commission = make_grid_commission(cast)
    # The commission's order: Étudiant Lucas, Étudiante Emma, Évrard Émile (the same on SQLite and PostgreSQL).
    first, second = cast.student2, cast.student
    third = make_student("emile", "Émile", "Évrard", cast.cohort)
    make_convocation(step_of(commission, "A"), third)
    criteria = criteria_of(commission)
    log_in(page, live_server.url, cast.teacher.username)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Before: save, back to the commission page, find the next candidate's « Ma grille » link.
    page.goto(live_server.url + reverse("certification:grid_member", args=[commission.pk, first.pk]))
    before = Counter(page)
    _position_two_lines(before, f"critere_{criteria[0].pk}")
    before.tab_to("el.textContent.trim() === 'Enregistrer ma grille'")
    before.press("Enter")
    expect(page.get_by_text("Grille enregistrée (version 1).")).to_be_visible()
    before.tab_to("el.textContent.includes('← Commission')")
    before.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Commission")
    next_grid = reverse("certification:grid_member", args=[commission.pk, second.pk])
    before.tab_to(f"el.getAttribute('href') === '{next_grid}'")
    before.press("Enter")
    expect(page).to_have_url(live_server.url + next_grid)
    page.wait_for_load_state("load")
    before_keys, before_loads = before.keys, before.loads

    # After: on this second candidate's grid, « Enregistrer et passer au candidat suivant ».
    assert_accessible(page)
    after = Counter(page)
    _position_two_lines(after, f"critere_{criteria[0].pk}")
    after.tab_to("el.textContent.trim().startsWith('Enregistrer et passer au candidat suivant')")
    _focused_is_visible(page)
    after.press("Enter")
    third_grid = reverse("certification:grid_member", args=[commission.pk, third.pk])
    expect(page).to_have_url(live_server.url + third_grid + "#messages")
    expect(page.get_by_text(f"Grille de {second} enregistrée (version 1).")).to_be_visible()
    # The message is where the page opens: focus starts from it.
    assert page.evaluate("() => document.activeElement.id") == "messages"
    for student in (first, second):
        grid = Grid.objects.get(commission=commission, student=student, member=seat(commission, cast.teacher))
        codes = {line.criterion_id: line.level.code if line.level else "" for line in grid.lines.all()}
        assert [codes[criteria[0].pk], codes[criteria[1].pk]] == ["S", "S"]
    # The last candidate: no « next » button, the page says so.
    expect(page.get_by_text("Dernier candidat de la commission.")).to_be_visible()
    assert_accessible(page)
    print(
        f"\n[grid → next candidate, 2 lines positioned] before (save, commission page, next grid link): "
        f"{before_keys} keys, {before_loads} page loads; "
        f"after (save and next): {after.keys} keys, {after.loads} page load"
    )
    assert after.loads == 1 and before_loads == 3 and after.keys < before_keys


def test_the_responsible_goes_from_the_agreed_grid_to_a_signed_sheet_in_two_page_loads(live_server, page):
    cast = build_cast()
    commission = make_grid_commission(cast)
    student = cast.student2
    make_result(commission, student)  # the mark, set on the profiles page
    fill_grid(commission, student, seat(commission, cast.teacher), ["S"] * len(criteria_of(commission)))
    log_in(page, live_server.url, cast.teacher.username)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + reverse("certification:grid_agreed", args=[commission.pk, student.pk]))
    expect(page.get_by_text("pré-rempli : tous les membres d’accord").first).to_be_visible()
    assert_accessible(page)

    counter = Counter(page)
    counter.tab_to("el.textContent.trim() === 'Enregistrer et ouvrir la fiche d’évaluation'")
    _focused_is_visible(page)
    counter.press("Enter")
    sheet_url = reverse("certification:evaluation_sheet", args=[commission.pk, student.pk])
    expect(page).to_have_url(live_server.url + sheet_url + "#messages")
    assert_accessible(page)
    counter.tab_to("el.name === 'text_A'")
    counter.type("Bonne analyse.")
    counter.tab_to("el.name === 'signature-password'")
    counter.type(PASSWORD)
    counter.tab_to("el.textContent.trim() === 'Enregistrer et signer'")
    _focused_is_visible(page)
    counter.press("Enter")
    expect(page.get_by_text("Fiche d'évaluation signée électroniquement.")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "messages"
    sheet = EvaluationSheet.objects.get(commission=commission, student=student)
    assert Signature.objects.filter(sheet=sheet, member__user=cast.teacher).exists()
    assert Grid.objects.filter(commission=commission, student=student, member=None).exists()
    print(f"\n[agreed grid → signed sheet] {counter.keys} keys (incl. typed text), {counter.loads} page loads")
    assert counter.loads <= 2


def test_the_first_save_of_the_profiles_page_is_a_few_tabs_away(live_server, page):
    cast = build_cast()
    commission = make_grid_commission(cast)
    count = len(criteria_of(commission))
    fill_grid(commission, cast.student, None, ["S"] * count)
    fill_grid(commission, cast.student2, None, ["TS"] * count)
    log_in(page, live_server.url, cast.teacher.username)
    page.goto(live_server.url + reverse("certification:profiles", args=[commission.pk]))
    assert_accessible(page)
    counter = Counter(page)
    tabs = counter.tab_to("el.tagName === 'BUTTON' && el.textContent.includes('Enregistrer les plages et les notes')")
    is_group_save = page.evaluate("() => document.activeElement.name === 'groupe'")
    # Before: one save at the end of the form, after every group (still there, now the last one).
    more = counter.tab_to("el.tagName === 'BUTTON' && !el.name && el.textContent.includes('Enregistrer les plages')")
    print(f"\n[profiles] tabs to the first save: {tabs}; to the page-wide save at the end (before): {tabs + more}")
    assert is_group_save and more > 0
