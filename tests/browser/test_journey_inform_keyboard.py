"""The responsible teacher informs the class with the keyboard only: the button, the confirmation page (who, how
many, how), the confirm button; then reads the progress page. Tab stops and page loads are counted (issue 19)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import Convocation
from tests.browser.helpers import assert_accessible, assert_focus_seen, assert_no_sideways_scroll, log_in
from tests.factories_certification_commissions import make_commission, step_of
from tests.personas import build_cast

pytestmark = pytest.mark.browser
MAX_TABS = 400


def _tab_to(page, name: str) -> int:
    """Press Tab until the focused element's text starts with ``name``; the number of presses."""
    for presses in range(1, MAX_TABS):
        page.keyboard.press("Tab")
        assert_focus_seen(page)
        text = page.evaluate("document.activeElement && document.activeElement.innerText || ''")
        if text.strip().startswith(name):
            return presses
    raise AssertionError(f"« {name} » not reached in {MAX_TABS} tab stops")


def test_the_teacher_informs_the_class_with_the_keyboard_and_confirms_once(live_server, page, settings):
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast = build_cast()
    commission = make_commission(cast)
    step = step_of(commission, "A")
    log_in(page, live_server.url, cast.teacher.username)
    loads = []
    page.on("load", lambda: loads.append(page.url))

    page.goto(live_server.url + reverse("certification:commission_detail", args=[commission.pk]))
    to_button = _tab_to(page, "Informer officiellement les 2")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer l'information officielle")
    expect(page.get_by_text("2 étudiant·e(s) à informer")).to_be_visible()
    assert_accessible(page)
    to_confirm = _tab_to(page, "Confirmer l'envoi à 2")
    page.keyboard.press("Enter")
    expect(page.locator(f"#etape-{step.pk}")).to_contain_text("tous informés")

    assert Convocation.objects.filter(step=step).count() == 2
    # Counted for the note of issue 19 (before: one page, the button, no confirmation).
    print(f"inform the class: {to_button} + {to_confirm} tab stops, {len(loads)} page loads")
    assert len(loads) == 3  # commission page, confirmation, commission page again
    assert to_confirm <= 40

    page.goto(live_server.url + reverse("certification:commission_progress", args=[commission.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avancement de la commission")
    assert_accessible(page)
    page.get_by_label("Rechercher un nom").focus()
    page.keyboard.type("lucas")
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Lucas")


def test_the_progress_and_confirmation_pages_reflow_at_320_px(live_server, page_at):
    narrow = page_at(320, 640)
    cast = build_cast()
    commission = make_commission(cast)
    log_in(narrow, live_server.url, cast.teacher.username)

    for name, args in [
        ("certification:commission_progress", [commission.pk]),
        ("certification:inform_confirm", [step_of(commission, "A").pk]),
    ]:
        narrow.goto(live_server.url + reverse(name, args=args))
        expect(narrow.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scroll(narrow)
        assert_accessible(narrow)
