"""Error pages in French and in the site's layout (issue 14): 403 with its reason, 404, CSRF failure, 400, 500."""

from django.test import Client, override_settings
from django.urls import reverse

from tests.factories_certification_commissions import make_commission


def test_a_403_says_why_in_french(cast, login):
    commission = make_commission(cast)
    response = login(cast.admin).get(reverse("certification:evaluation_sign", args=[commission.pk, cast.student.pk]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in html and "Seuls les membres de la commission" in html
    assert '<html lang="fr">' in html and "Forbidden" not in html


def test_a_404_is_french(cast, login):
    response = login(cast.teacher).get("/nulle-part/")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.content.decode()


def test_a_csrf_failure_is_explained_in_french(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire expiré" in html and "rien n'a été enregistré" in html and '<html lang="fr">' in html


@override_settings(DEBUG=False)
def test_the_500_page_is_french():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Erreur du serveur" in html and "n'a pas été enregistrée" in html


def test_an_unknown_host_gets_the_french_400_page_not_a_500(db):
    # Refused by CommonMiddleware, before the authentication middleware: the page must not need request.user.
    response = Client().get(reverse("accounts:login"), HTTP_HOST="inconnu.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Requête incorrecte" in html
