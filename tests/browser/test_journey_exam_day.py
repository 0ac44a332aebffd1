"""E4 situation B, from the fiche sujet to the candidate's convocation and the release of the candidate part.

The responsible teacher picks one fiche of the candidate's deposited dossier, changes three rubrics, writes the
optional jury part, downloads both PDFs and schedules the passage; the student receives the convocation email
(caught by a real local SMTP server) and opens the candidate part only from the time the session sets — never the
jury part.
"""

import datetime
import email
import email.policy
import io
import re

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from certification.commissions.selectors.passages import candidate_release_at, subject_sheet_of
from certification.models import Convocation, ParameterChange, Passage
from lib.french import de
from tests.browser.helpers import assert_accessible, log_in
from tests.browser.test_journey_commission import persona_page
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_planning import Inbox, free_port, make_room, point_delivery_at
from tests.factories_certification_subjects import submitted_dossier
from tests.personas import build_cast

pytestmark = pytest.mark.browser

NEW_TEXTS = {
    "Lieu": "Salon professionnel de l'habitat, stand 14, Lyon Eurexpo",
    "Contrainte(s)": "Le budget du client a été réduit de 20 % depuis la dernière rencontre.",
    "Historique de la relation": "Client fidèle depuis trois ans, mécontent de la dernière livraison en retard.",
}
JURY_OBJECTION = "C'est trop cher, votre concurrent me propose une remise de 10 %."


def _pdf_text(response) -> str:
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_commission_writes_the_fiche_sujet_schedules_and_the_candidate_opens_it_on_time(
    live_server, page, browser, settings, time_machine
):
    port = free_port()
    point_delivery_at(settings, port)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        _journey(live_server.url, page, browser, inbox, time_machine)
    finally:
        smtp.stop()


def _journey(base, page, browser, inbox, time_machine):
    cast = build_cast()
    dossier = submitted_dossier(cast.student)
    commission = make_commission(cast, "E4")
    add_member(commission, cast.teacher2)
    make_room(cast.establishment, "B12")
    emma = cast.student.user.display_name
    first_fiche = dossier.items.order_by("order").first().fiche

    # --- The responsible teacher writes the fiche sujet -----------------------------------------------------------
    log_in(page, base, cast.teacher.username)
    page.goto(f"{base}/commissions/{commission.pk}/")
    page.get_by_role("link", name="Fiches sujet (situation B)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiches sujet – situation B (simulation)")
    assert_accessible(page)
    page.get_by_role("link", name=f"Rédiger la fiche sujet {de(emma)}").click()
    page.get_by_label(re.compile(re.escape(first_fiche.title))).check()
    assert_accessible(page)
    page.get_by_role("button", name="Partir de cette fiche").click()

    candidate_part = page.locator("fieldset.subject-part").first
    for label, text in NEW_TEXTS.items():
        candidate_part.get_by_label(label, exact=True).fill(text)
    jury_part = page.locator("fieldset.subject-part").nth(1)
    jury_part.get_by_label(re.compile("Rédiger aussi la partie jury")).check()
    jury_part.get_by_label("Objections", exact=True).fill(JURY_OBJECTION)
    page.get_by_role("button", name="Enregistrer la fiche sujet").click()
    # Three candidate rubrics, shown again read-only (« Repris de la partie candidat ») in the jury part, + one jury.
    expect(page.locator(".subject-rubric.is-changed")).to_have_count(7)
    assert_accessible(page)

    changes = ParameterChange.objects.filter(sheet__commission=commission, sheet__student=cast.student)
    assert changes.filter(part="candidate").count() == 3
    assert set(changes.filter(part="candidate").values_list("new_text", flat=True)) == set(NEW_TEXTS.values())
    first_fiche.refresh_from_db()
    assert all(text not in str(first_fiche.recto) for text in NEW_TEXTS.values()), "the student's fiche is untouched"

    candidate_href = page.get_by_role("link", name=re.compile("Partie candidat en PDF")).get_attribute("href")
    jury_href = page.get_by_role("link", name=re.compile("Partie jury en PDF")).get_attribute("href")
    candidate_pdf = _pdf_text(page.request.get(f"{base}{candidate_href}"))
    jury_pdf = _pdf_text(page.request.get(f"{base}{jury_href}"))
    assert "FICHE SUJET - CANDIDAT" in candidate_pdf
    assert _squash(NEW_TEXTS["Contrainte(s)"]) in _squash(candidate_pdf)
    assert "Objections" not in candidate_pdf and JURY_OBJECTION not in _squash(candidate_pdf)
    assert "FICHE SUJET – JURY" in jury_pdf
    assert _squash(JURY_OBJECTION) in _squash(jury_pdf)

    # --- The passage is scheduled two hours from now; the convocation goes out by email -------------------------
    starts_at = timezone.localtime() + datetime.timedelta(hours=2)
    starts_at = starts_at.replace(minute=starts_at.minute - starts_at.minute % 5, second=0, microsecond=0)
    page.goto(f"{base}/commissions/{commission.pk}/")
    page.get_by_role("link", name="Planning des passages").click()
    assert_accessible(page)
    form = page.locator("form.planning-form")
    form.locator('select[name="student"]').select_option(label=str(cast.student))
    form.locator('select[name="situation"]').select_option(label="Situation B – Simulation (15 min)")
    form.locator('input[name="date"]').fill(starts_at.strftime("%Y-%m-%d"))
    form.locator('input[name="time"]').fill(starts_at.strftime("%H:%M"))
    form.locator('select[name="room"]').select_option(label="B12")
    form.get_by_label(re.compile(re.escape(cast.teacher.display_name))).check()
    form.get_by_label(re.compile(re.escape(cast.teacher2.display_name))).check()
    form.locator('select[name="simulation_kind"]').select_option(label="Entretien évocateur")
    form.get_by_role("button", name="Planifier et convoquer").click()
    expect(page.locator(".messages, .alert").first).to_be_visible()
    passage = Passage.objects.get(student=cast.student)
    assert timezone.localtime(passage.starts_at) == starts_at
    assert Convocation.objects.filter(passage=passage, superseded_at__isnull=True).count() == 1

    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == [cast.student.user.email]
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert str(received["Subject"]).strip().startswith("Convocation")
    body = received.get_body(preferencelist=("plain",)).get_content()
    assert "B12" in body and starts_at.strftime("%H") in body

    # --- The student: the candidate part is closed until the configured time, then open, never the jury part ----
    release_at = candidate_release_at(passage)
    with persona_page(browser, base, cast.student.user.username) as student_page:
        student_page.goto(f"{base}/mes-passages/{passage.pk}/sujet/")
        expect(student_page.get_by_text(re.compile("sera disponible à partir du"))).to_be_visible()
        assert_accessible(student_page)
        assert NEW_TEXTS["Lieu"] not in student_page.content()
        assert student_page.request.get(f"{base}/mes-passages/{passage.pk}/sujet/pdf/").status == 404
        assert student_page.request.get(f"{base}/sujets/{passage_sheet_pk(passage)}/pdf/jury/").status == 404

        time_machine.move_to(release_at + datetime.timedelta(minutes=1), tick=True)
        student_page.reload()
        expect(student_page.get_by_text(NEW_TEXTS["Lieu"])).to_be_visible()
        assert JURY_OBJECTION not in student_page.content()
        assert "Objections" not in student_page.content()
        assert_accessible(student_page)
        pdf = _pdf_text(student_page.request.get(f"{base}/mes-passages/{passage.pk}/sujet/pdf/"))
        assert _squash(NEW_TEXTS["Contrainte(s)"]) in _squash(pdf)
        assert JURY_OBJECTION not in _squash(pdf)
        assert student_page.request.get(f"{base}/sujets/{passage_sheet_pk(passage)}/pdf/jury/").status == 404


def passage_sheet_pk(passage: Passage) -> int:
    return subject_sheet_of(passage).pk
