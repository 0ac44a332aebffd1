"""The référentiel page: every logged-in person reads the whole grid tree and the session rules."""

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from referentiel.loader import load_referentiel_file, load_sessions_file
from referentiel.models import Criterion, FicheKind, Indicator, Level, SituationRule
from referentiel.tests.conftest import VERSION_FILE

URL = reverse("referentiel:detail")


def page(reader, **params) -> tuple[int, str]:
    client = Client()
    client.force_login(reader)
    response = client.get(URL, params)
    return response.status_code, response.content.decode()


def contains(html: str, text: str) -> bool:
    return str(escape(text)) in html


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_lists_every_criterion_with_its_number_and_indicators(reader):
    status, html = page(reader)
    assert status == 200
    assert html.count("<h1") == 1
    for criterion in Criterion.objects.all():
        assert contains(html, criterion.title)
        assert f'<li value="{criterion.number}">{escape(criterion.title)}' in html
    for indicator in Indicator.objects.all():
        assert contains(html, capfirst(indicator.wording))
    assert 'type="checkbox"' not in html


@pytest.mark.django_db
def test_it_shows_exams_scale_kinds_and_session_rules(reader):
    _, html = page(reader)
    for text in ["E4 — Relation client et négociation-vente", "E5 —", "E6 — Relation client et animation de réseaux"]:
        assert contains(html, text)
    assert "Hors CCF" in html
    for level in Level.objects.all():
        assert contains(html, level.label)
    for kind in FicheKind.objects.all():
        assert contains(html, kind.label)
    for year in (2026, 2027, 2028):
        assert f"Session {year}" in html
    for situation in SituationRule.objects.all():
        assert contains(html, situation.title)
    assert "15 avril 2027" in html
    assert "15 minutes" in html
    assert "grille d’aide à l’évaluation VII–2" in html


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(reader, django_assert_max_num_queries):
    client = Client()
    client.force_login(reader)
    # 12 for the page (version, versions, levels, 5 for the tree, 4 for the sessions), the rest for the login
    # session, the user and the role context processor.
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_more_sessions_and_versions_cost_no_extra_query(reader, tmp_path):
    client = Client()
    client.force_login(reader)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    data = yaml.safe_load(VERSION_FILE.read_text(encoding="utf-8"))
    data["code"] = "ndrc-autre"
    path = tmp_path / "autre.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_referentiel_file(path)
    session = tmp_path / "session-2029.yaml"
    source = (VERSION_FILE.parent.parent / "sessions" / "session-2028.yaml").read_text(encoding="utf-8")
    session.write_text(source.replace("year: 2028", "year: 2029"), encoding="utf-8")
    load_sessions_file(session)
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(after) == len(before)


@pytest.mark.django_db
def test_another_version_can_be_read_and_an_unknown_one_is_404(reader, tmp_path):
    data = yaml.safe_load(VERSION_FILE.read_text(encoding="utf-8"))
    data.update(code="ndrc-reforme-2030", label="Référentiel réformé de test")
    path = tmp_path / "reforme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_referentiel_file(path)

    status, html = page(reader, version="ndrc-reforme-2030")
    assert status == 200
    assert '<strong aria-current="page">Référentiel réformé de test</strong>' in html
    assert "Aucune session d’examen n’utilise cette version du référentiel." in html
    assert page(reader, version="inconnue")[0] == 404


@pytest.mark.django_db
def test_it_explains_when_nothing_is_loaded(reader, monkeypatch):
    monkeypatch.setattr("referentiel.views.current_version", lambda: None)
    status, html = page(reader)
    assert status == 200
    assert "Aucun référentiel n’est encore chargé" in html
