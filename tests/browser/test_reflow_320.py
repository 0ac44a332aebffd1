"""Reflow at 320 CSS px (WCAG 1.4.10): the jury's, the teacher's and the student's pages do not scroll sideways,
with axe on each.

320 px is a 1,280 px screen at 400 % zoom, and a small phone: a jury member reading their grid on a phone at the
exam, a teacher with a strong zoom. Wide tables may scroll inside their own box; the page itself may not.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import MemberRole
from passeport.tests.fiche_pdf_texts import make_filled_fiche
from tests.browser.helpers import assert_accessible, assert_no_sideways_scroll, log_in
from tests.factories_certification_grids import fill_grid, make_grid_commission, seat
from tests.personas import build_cast

pytestmark = pytest.mark.browser


def test_the_commission_pages_reflow_at_320_px(live_server, page_at, settings, tmp_path):
    narrow = page_at(320, 640)
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = build_cast()
    fiche = make_filled_fiche(cast.student)
    fiche.title = "Négociation d'un contrat pluriannuel d'entretien des parties communes avec la Régie Fourvière"
    fiche.save(update_fields=["title"])
    commission = make_grid_commission(cast, members=((cast.professional, MemberRole.PROFESSIONAL),))
    fill_grid(commission, cast.student, seat(commission, cast.professional), ["TS", "S"])
    candidate = [commission.pk, cast.student.pk]
    log_in(narrow, live_server.url, cast.teacher.username)

    for name, args in [
        ("certification:commission_detail", [commission.pk]),
        ("certification:grid_member", candidate),
        ("certification:grid_agreed", candidate),
        ("certification:profiles", [commission.pk]),
        ("certification:evaluation_sheet", candidate),
        ("passeport:passeport", [cast.student.pk]),
    ]:
        narrow.goto(live_server.url + reverse(name, args=args))
        expect(narrow.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scroll(narrow)
        assert_accessible(narrow)

    # The student's side at the same width: the fiche editor and the evidence upload.
    student_page = page_at(320, 640)
    log_in(student_page, live_server.url, cast.student.user.username)
    for name, args in [
        ("passeport:fiche_edit", [fiche.pk]),
        ("passeport:activity_detail", [fiche.activity.pk]),
    ]:
        student_page.goto(live_server.url + reverse(name, args=args))
        expect(student_page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scroll(student_page)
        assert_accessible(student_page)
