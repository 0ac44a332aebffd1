"""Every persona finds their way from the home page: the professional on the jury reaches a grid by clicking, the
responsible teacher's to-do after a fresh demo load shows the candidates still to inform."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from tests.browser.helpers import assert_accessible, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(settings, tmp_path) -> None:
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)


def _menu(page: Page):
    return page.get_by_role("navigation", name="Navigation principale")


def test_the_professional_reaches_their_grid_by_clicking_from_the_home_page(demo, live_server, page):
    log_in(page, live_server.url, "pro", password=DEMO_PASSWORD)
    expect(_menu(page).get_by_role("link", name="Mes commissions")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Commission E4")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Commission E4")
    assert_accessible(page)

    row = page.get_by_role("row").filter(has_text="Emma BERNARD")
    row.get_by_role("link", name="Ma grille").click()
    expect(page.get_by_role("heading", name=re.compile("Ma grille d’aide à l’évaluation"))).to_be_visible()
    expect(page).to_have_title(re.compile("Ma grille – Emma BERNARD"))
    assert_accessible(page)

    # The same place through the menu.
    _menu(page).get_by_role("link", name="Mes commissions").click()
    expect(page.get_by_role("link", name=re.compile(r"^E4 – "))).to_be_visible()


def test_the_teachers_todo_after_a_fresh_demo_load_shows_the_candidates_to_inform(demo, live_server, page):
    log_in(page, live_server.url, "prof", password=DEMO_PASSWORD)
    todo = page.locator("#h-todo").locator("..")
    expect(todo).to_contain_text("Candidat·e·s à informer officiellement de la date (situation A)")
    expect(todo).not_to_contain_text("Rien à faire")
    assert_accessible(page)

    _menu(page).get_by_role("link", name=re.compile(r"^À faire \(\d+\)$")).click()
    step = page.get_by_role("listitem").filter(has_text="à informer officiellement de la date (situation A)")
    expect(step.locator(".tag")).to_have_text("2")  # Emma and etudiant24, the demo leaves them uninformed
    assert_accessible(page)

    step.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/commissions/\d+/#situations$"))
    expect(page.locator("#situations")).to_contain_text("2 à informer")
