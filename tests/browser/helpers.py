"""Shared steps of the browser journeys."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.personas import PASSWORD

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("critical", "serious")


def assert_accessible(page: Page) -> None:
    """Fail when axe-core finds any critical or serious violation on the current page."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} violation(s) d'accessibilité sur {page.url} :"]
        for v in blocking:
            lines.append(f"- {v['id']} ({v['impact']}) : {v['help']} — {v['helpUrl']}")
            for node in v["nodes"]:
                lines.append(f"    cible {node['target']} : {node['html'][:160]}")
        raise AssertionError("\n".join(lines))


def log_in(
    page: Page, base_url: str, username: str, *, check_login_page: bool = False, password: str = PASSWORD
) -> None:
    """Log in through the real form and land on the home page."""
    page.goto(f"{base_url}/connexion/")
    if check_login_page:
        assert_accessible(page)
    page.get_by_label("Identifiant ou adresse électronique").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Bonjour"))


# The page's scroll width against the window's, and the elements reaching past the right edge (what to fix).
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .map(el => `${el.tagName.toLowerCase()}.${el.className} (${Math.round(el.getBoundingClientRect().right)} px)`);
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


def assert_no_sideways_scroll(page: Page) -> None:
    """Fail when the page is wider than its window (WCAG 1.4.10 reflow); names the elements that stick out."""
    measure = page.evaluate(OVERFLOW_SCRIPT)
    assert measure["scrollWidth"] <= measure["width"], f"{page.url} défile de côté à {measure['width']} px : {measure}"


# The focused element's first line box must be on screen and show the element itself (or what it contains, or its
# label) at its start: not a sticky bar over it (WCAG 2.4.11).
UNCOVERED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  const r = el.getClientRects()[0] || el.getBoundingClientRect();  // a link over two lines: its first line
  if (r.bottom <= 0 || r.top >= window.innerHeight) return 'hors écran : ' + el.outerHTML.slice(0, 120);
  const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 20), r.top + Math.min(r.height / 2, 10));
  if (!hit || (hit !== el && !el.contains(hit) && !(el.labels && [...el.labels].some(l => l.contains(hit)))))
    return 'caché sous ' + (hit ? hit.outerHTML.slice(0, 120) : 'rien') + ' : ' + el.outerHTML.slice(0, 120);
  return '';
}"""


def assert_focus_seen(page: Page) -> None:
    """Fail when the focused element is off screen or covered (by a sticky bar, a banner…)."""
    problem = page.evaluate(UNCOVERED)
    assert not problem, f"{page.url} : {problem}"
