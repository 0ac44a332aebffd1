import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible, log_in
from tests.personas import build_cast

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona", ["teacher", "student", "admin"])
def test_each_role_logs_in_and_lands_on_an_accessible_home_page(live_server, page, persona):
    who = getattr(build_cast(), persona)
    user = getattr(who, "user", who)

    log_in(page, live_server.url, user.username, check_login_page=True)

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Bonjour {user.first_name}"))
    assert_accessible(page)


def test_a_wrong_password_keeps_the_visitor_on_an_accessible_login_page(live_server, page):
    teacher = build_cast().teacher
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant ou adresse électronique").fill(teacher.username)
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_text("Identifiant ou mot de passe incorrect")).to_be_visible()
    assert_accessible(page)
