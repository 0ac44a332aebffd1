"""A session that expires while a student writes a fiche: the text is kept, explained, and given back after login."""

import html

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from passeport import unsaved
from passeport.models import Fiche
from passeport.rubrics import fiche_definition
from passeport.services import fiches as services
from tests.factories import make_fiche
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOST_TEXT = "Mon texte écrit pendant une heure, avec des « guillemets » et un accent : Œuvre."


def _url(fiche):
    return reverse("passeport:fiche_edit", args=[fiche.pk])


def _editor_data(fiche, text):
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    data = {"base_version": fiche.version, "title": fiche.title, "kind": fiche.kind_id}
    data.update({f"recto__{r.code}": fiche.recto.get(r.code, "") for r in form.part("recto")})
    data["recto__historique"] = text
    for verso in fiche.versos.all():
        data.update({f"verso_{verso.order}__{r.code}": verso.content.get(r.code, "") for r in form.part("verso")})
    return data


def _csrf_client(user) -> Client:
    """A browser that keeps its CSRF cookie: the token of the page it opened is sent back with the form."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _open_then_expire(client, fiche) -> str:
    """Open the editor (its form carries the CSRF token), then the session ends on the server (idle expiry)."""
    client.get(_url(fiche))
    Session.objects.all().delete()
    return client.cookies["csrftoken"].value


def _send_after_expiry(client, fiche, text=LOST_TEXT):
    token = _open_then_expire(client, fiche)
    return client.post(_url(fiche), {**_editor_data(fiche, text), "csrfmiddlewaretoken": token})


def _log_in_again(client, user, fiche):
    login_url = reverse("accounts:login")
    return client.post(
        login_url,
        {
            "username": user.username,
            "password": PASSWORD,
            "next": _url(fiche),
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )


def test_the_text_sent_after_expiry_leads_to_a_login_page_that_says_it_is_kept(cast):
    fiche = make_fiche(cast.student)
    client = _csrf_client(cast.student.user)
    response = _send_after_expiry(client, fiche)
    # The CSRF cookie outlives the session: the form passes the check and reaches the editor, anonymous.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert unsaved.EXPIRED_MESSAGE in page
    fiche.refresh_from_db()
    assert LOST_TEXT not in fiche.recto.get("historique", "")


def test_after_login_the_editor_shows_the_kept_text_unsaved(cast):
    fiche = make_fiche(cast.student)
    version = fiche.version
    client = _csrf_client(cast.student.user)
    _send_after_expiry(client, fiche)
    response = _log_in_again(client, cast.student.user, fiche)
    assert response.status_code == 302 and response["Location"] == _url(fiche)
    page = html.unescape(client.get(_url(fiche)).content.decode())
    assert LOST_TEXT in page
    assert unsaved.RESTORED_MESSAGE in page
    fiche.refresh_from_db()
    assert fiche.version == version and LOST_TEXT not in fiche.recto.get("historique", "")
    # Given back once: the next opening shows the fiche as saved.
    assert LOST_TEXT not in html.unescape(client.get(_url(fiche)).content.decode())


def test_saving_the_kept_text_works_like_any_save(cast):
    fiche = make_fiche(cast.student)
    client = _csrf_client(cast.student.user)
    _send_after_expiry(client, fiche)
    _log_in_again(client, cast.student.user, fiche)
    client.get(_url(fiche))
    response = client.post(
        _url(fiche), {**_editor_data(fiche, LOST_TEXT), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.recto["historique"] == LOST_TEXT


def test_a_fiche_changed_since_is_never_overwritten_by_the_kept_text(cast):
    fiche = make_fiche(cast.student)
    client = _csrf_client(cast.student.user)
    _send_after_expiry(client, fiche)
    # Meanwhile, the student saved the fiche from a phone.
    data = _editor_data(fiche, "Version du téléphone")
    services.save_fiche(
        fiche=fiche,
        author=cast.student.user,
        base_version=fiche.version,
        title=fiche.title,
        recto={k.removeprefix("recto__"): v for k, v in data.items() if k.startswith("recto__")},
        versos=[verso.content for verso in fiche.versos.all()],
    )
    _log_in_again(client, cast.student.user, fiche)
    page = html.unescape(client.get(_url(fiche)).content.decode())
    fresh = Fiche.objects.get(pk=fiche.pk)
    assert unsaved.CHANGED_SINCE_MESSAGE.format(version=fresh.version) in page
    kept = {**_editor_data(fiche, LOST_TEXT), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    assert client.post(_url(fiche), kept).status_code == 409  # the conflict copy, as for any stale save
    fresh.refresh_from_db()
    assert fresh.recto["historique"] == "Version du téléphone"


def test_someone_else_logging_in_on_that_browser_never_sees_the_text(cast):
    fiche = make_fiche(cast.student)
    client = _csrf_client(cast.student.user)
    _send_after_expiry(client, fiche)
    _log_in_again(client, cast.teacher, fiche)
    page = html.unescape(client.get(_url(fiche)).content.decode())
    assert LOST_TEXT not in page
    assert unsaved.SESSION_KEY not in client.session


def test_an_anonymous_visit_of_the_editor_still_asks_to_log_in(client, cast):
    fiche = make_fiche(cast.student)
    response = client.get(_url(fiche))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert unsaved.SESSION_KEY not in client.session


def test_the_autosave_after_expiry_says_so_and_saves_nothing(cast):
    fiche = make_fiche(cast.student)
    client = _csrf_client(cast.student.user)
    token = _open_then_expire(client, fiche)
    response = client.post(
        reverse("passeport:fiche_autosave", args=[fiche.pk]),
        _editor_data(fiche, LOST_TEXT),
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {"status": "expired", "message": unsaved.AUTOSAVE_EXPIRED_MESSAGE}
    fiche.refresh_from_db()
    assert LOST_TEXT not in fiche.recto.get("historique", "")


def test_a_text_too_long_for_any_fiche_is_not_kept(cast):
    fiche = make_fiche(cast.student)
    client = _csrf_client(cast.student.user)
    token = _open_then_expire(client, fiche)
    giant = "x" * (unsaved.MAX_KEPT_CHARS + 1)
    response = client.post(_url(fiche), {**_editor_data(fiche, giant), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert unsaved.SESSION_KEY not in client.session
    assert unsaved.NOT_KEPT_MESSAGE in html.unescape(client.get(response["Location"]).content.decode())
