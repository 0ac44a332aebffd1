"""The member's notes on a passage, posted by the autosave script (JSON answers) or by the plain form."""

import json

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from certification.models import MemberRole, PassageNote
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_jury import make_passage

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def passage(cast):
    commission = make_commission(cast)
    add_member(commission, cast.teacher2)
    return make_passage(commission, cast.student)


def _url(passage) -> str:
    return reverse("certification:jury_notes", args=[passage.pk])


def _note(passage, user) -> PassageNote:
    return PassageNote.objects.get(passage=passage, member__user=user)


def test_the_autosave_answers_with_the_new_version_and_the_time(cast, login, passage):
    response = login(cast.teacher).post(_url(passage), {"text": "Accroche efficace.", "version": "0"}, **JSON)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "saved" and data["version"] == 1
    assert len(data["saved_at_display"]) == 5  # « 14:03 »
    assert _note(passage, cast.teacher).text == "Accroche efficace."


def test_a_json_body_is_accepted_too(cast, login, passage):
    client = login(cast.teacher)
    body = json.dumps({"text": "Reformulation.", "version": 0})
    response = client.post(_url(passage), body, content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert _note(passage, cast.teacher).text == "Reformulation."


def test_each_save_bumps_the_version(cast, login, passage):
    client = login(cast.teacher)
    client.post(_url(passage), {"text": "Un", "version": "0"}, **JSON)
    response = client.post(_url(passage), {"text": "Un, deux", "version": "1"}, **JSON)
    assert response.json()["version"] == 2
    assert _note(passage, cast.teacher).text == "Un, deux"


def test_the_same_text_again_changes_nothing(cast, login, passage):
    client = login(cast.teacher)
    client.post(_url(passage), {"text": "Un", "version": "0"}, **JSON)
    response = client.post(_url(passage), {"text": "Un", "version": "1"}, **JSON)
    assert response.json()["version"] == 1


def test_a_stale_version_is_a_409_with_a_french_message_and_nothing_written(cast, login, passage):
    client = login(cast.teacher)
    client.post(_url(passage), {"text": "Depuis la tablette", "version": "0"}, **JSON)
    response = client.post(_url(passage), {"text": "Depuis l'ordinateur", "version": "0"}, **JSON)
    assert response.status_code == 409
    data = response.json()
    assert data["status"] == "conflict"
    assert data["message"].startswith("Conflit : ")
    assert data["version"] == 1 and data["text"] == "Depuis la tablette"
    assert _note(passage, cast.teacher).text == "Depuis la tablette"


def test_without_javascript_a_stale_version_shows_the_page_back_with_the_text_kept(cast, login, passage):
    client = login(cast.teacher)
    client.post(_url(passage), {"text": "Depuis la tablette", "version": "0"})
    response = client.post(_url(passage), {"text": "Mon texte à garder", "version": "0"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Conflit : " in page
    assert "Mon texte à garder</textarea>" in page
    assert "Depuis la tablette" in page  # the stored text, shown beside it
    assert 'name="version" value="1"' in page  # saving again keeps the member's text, knowingly
    assert _note(passage, cast.teacher).text == "Depuis la tablette"


def test_without_javascript_the_form_posts_and_comes_back_with_a_message(cast, login, passage):
    client = login(cast.teacher)
    response = client.post(_url(passage), {"text": "Très à l'aise.", "version": "0"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("certification:jury_view", args=[passage.pk]) + "#notes"
    assert "Notes enregistrées à" in response.content.decode()
    assert _note(passage, cast.teacher).text == "Très à l'aise."


def test_two_members_keep_separate_notes(cast, login, passage, client):
    login(cast.teacher).post(_url(passage), {"text": "Notes de Bob", "version": "0"}, **JSON)
    client.logout()
    response = login(cast.teacher2).post(_url(passage), {"text": "Notes de Berthe", "version": "0"}, **JSON)
    assert response.status_code == 200 and response.json()["version"] == 1
    assert _note(passage, cast.teacher).text == "Notes de Bob"
    assert _note(passage, cast.teacher2).text == "Notes de Berthe"
    page = client.get(reverse("certification:jury_view", args=[passage.pk])).content.decode()
    assert "Notes de Berthe" in page and "Notes de Bob" not in page


def test_a_missing_version_is_refused_with_a_french_message(cast, login, passage):
    response = login(cast.teacher).post(_url(passage), {"text": "Sans version"}, **JSON)
    assert response.status_code == 400
    assert "rechargez la page" in response.json()["message"]
    assert not PassageNote.objects.exists()


def test_too_long_notes_are_refused(cast, login, passage):
    response = login(cast.teacher).post(_url(passage), {"text": "x" * 20_001, "version": "0"}, **JSON)
    assert response.status_code == 400
    assert "20000 caractères" in response.json()["message"]
    assert not PassageNote.objects.exists()


def test_a_get_goes_back_to_the_jury_view(cast, login, passage):
    response = login(cast.teacher).get(_url(passage))
    assert response.status_code == 302
    assert response.url == reverse("certification:jury_view", args=[passage.pk])


def test_only_the_first_save_is_audited_and_without_the_text(cast, login, passage):
    client = login(cast.teacher)
    client.post(_url(passage), {"text": "Confidentiel", "version": "0"}, **JSON)
    client.post(_url(passage), {"text": "Confidentiel, suite", "version": "1"}, **JSON)
    entries = AuditEntry.objects.filter(action__startswith="passage_note")
    assert entries.count() == 1
    assert "Confidentiel" not in json.dumps(entries.get().changes)


def test_a_student_gets_a_404(cast, login, passage):
    response = login(cast.student).post(_url(passage), {"text": "x", "version": "0"})
    assert response.status_code == 404
    assert not PassageNote.objects.exists()


def test_an_administrator_who_does_not_sit_gets_a_403(cast, login, passage):
    response = login(cast.admin).post(_url(passage), {"text": "x", "version": "0"})
    assert response.status_code == 403
    assert not PassageNote.objects.exists()


def test_a_teacher_of_another_establishment_gets_a_404(cast, login, passage):
    assert login(cast.other_teacher).post(_url(passage), {"text": "x", "version": "0"}).status_code == 404


def test_a_seated_professional_takes_notes_too(cast, login, passage):
    add_member(passage.situation.commission, cast.professional, MemberRole.PROFESSIONAL)
    response = login(cast.professional).post(_url(passage), {"text": "Vu du terrain", "version": "0"}, **JSON)
    assert response.status_code == 200
