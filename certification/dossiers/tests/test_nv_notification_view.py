"""The NV notification download, and what the student sees of the conformity decision."""

import io

from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from tests.factories_certification_conformity import good_dossier, make_check, make_conformity_commission


def _url(check):
    return reverse("certification:nv_notification", args=[check.pk])


def _nv(cast, **kwargs):
    make_conformity_commission(cast)
    return make_check(good_dossier(cast.student), cast.teacher, **kwargs)


def test_the_candidate_downloads_their_notification_as_an_attachment(cast, login):
    check = _nv(cast)
    response = login(cast.student).get(_url(check))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="notification-nv-E4-etudiante-emma.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "ÉTUDIANTE" in text


def test_the_commission_downloads_it_too(cast, login):
    check = _nv(cast)
    assert login(cast.teacher).get(_url(check)).status_code == 200


def test_a_teacher_outside_the_commission_is_refused(cast, login):
    check = _nv(cast)
    assert login(cast.teacher2).get(_url(check)).status_code == 403


def test_a_decision_other_than_nv_has_no_notification(cast, login):
    make_conformity_commission(cast)
    dossier = good_dossier(cast.student)
    for decision in ("conforme", "reserve"):
        check = make_check(dossier, cast.teacher, decision=decision)
        assert login(cast.student).get(_url(check)).status_code == 404
        assert login(cast.teacher).get(_url(check)).status_code == 404


def test_an_unknown_check_is_404(cast, login):
    assert login(cast.teacher).get(reverse("certification:nv_notification", args=[999999])).status_code == 404


def test_the_student_include_shows_the_nv_decision_and_link_but_never_the_comment(cast):
    check = _nv(cast, comment="Signature du tuteur douteuse")
    html = render_to_string("certification/dossiers/includes/conformity_for_student.html", {"dossier": check.dossier})
    assert "mention NV" in html
    assert _url(check) in html
    assert "Signature du tuteur" not in html


def test_the_student_include_shows_nothing_once_a_later_check_says_conforme(cast):
    check = _nv(cast, comment="")
    make_check(check.dossier, cast.teacher, decision="conforme")
    html = render_to_string("certification/dossiers/includes/conformity_for_student.html", {"dossier": check.dossier})
    assert html.strip() == ""


def test_the_student_include_hides_a_reserved_mark(cast):
    make_conformity_commission(cast)
    check = make_check(good_dossier(cast.student), cast.teacher, decision="reserve", comment="Doute")
    html = render_to_string("certification/dossiers/includes/conformity_for_student.html", {"dossier": check.dossier})
    assert html.strip() == ""
