"""The harmonisation page's content is kept as rendered (``lib.generations``) until a commission or the inspector
writes something it reads: every table it reads is watched, and a request sent through HTTP shows at once."""

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harmonisation import selectors, views
from lib import generations
from tests.factories_harmonisation import key_of, make_request, make_world, send
from tests.personas import PASSWORD
from tests.sql_tables import models_read

# Read for a name only (who sent the marks): no figure of the page depends on them, and every login saves its user.
LABELS_ONLY = {"accounts.User"}


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_every_table_the_page_reads_is_watched(cast):
    world = make_world(cast)
    send(world.high_commission)  # the reads of sent marks and of what changed since
    make_request(cast, world)
    exam = world.commission.exam
    with CaptureQueriesContext(connection) as queries:
        html = views._exam_body(world.academie, cast.session, exam, cast.establishment.pk)
    assert "Lycée Ampère" in html and cast.student.candidate_number in html
    read = models_read(queries)
    assert len(read) >= 10
    labels_only = {apps.get_model(label) for label in LABELS_ONLY}
    assert read - generations.WATCHED[selectors.GENERATION] - labels_only == set()
    assert set(selectors.READ_MODELS) == generations.WATCHED[selectors.GENERATION]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_sent_through_http_shows_on_the_next_page(client, cast):
    world = make_world(cast)
    assert client.login(username=world.inspector.username, password=PASSWORD)
    url = reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).text
    with CaptureQueriesContext(connection) as second:
        assert _main(client.get(url).text) == _main(page)  # (the base's forms carry a fresh CSRF token)
    assert len(second) < len(first) - 5  # read and rendered once, then kept
    assert "Demandes d'harmonisation (0)" in page

    ask = reverse("harmonisation:ask_profile", args=[world.high_commission.pk])
    key = key_of(world.high_commission)
    assert client.post(f"{ask}?profil={key}", {"reason": "Plus haut que l'académie."}).status_code == 302

    page = client.get(url).text
    assert "Demandes d'harmonisation (1)" in page and "Plus haut que l&#x27;académie." in page
    assert "<table" in page  # the kept content is HTML, not escaped text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_an_establishment_of_the_academie_opens_a_list_and_other_values_share_one_copy(client, cast):
    world = make_world(cast)
    assert client.login(username=world.inspector.username, password=PASSWORD)
    url = reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])
    caches["shared"].clear()  # the table outlives a transactional test's flush: count this test's entries only
    plain = _main(client.get(url).text)
    for value in ("999999", str(cast.other_establishment.pk), "12abc", "9" * 40):
        assert _main(client.get(url, {"etablissement": value}).text) == plain
    opened = _main(client.get(url, {"etablissement": cast.establishment.pk}).text)
    listed = [page.split('id="h-candidats"')[1].split("</section>")[0] for page in (opened, plain)]
    assert cast.student.candidate_number in listed[0] and cast.student.candidate_number not in listed[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ndrc_shared_cache WHERE cache_key LIKE %s", ["%harmonisation%"])
        assert cursor.fetchone()[0] == 2  # the plain page and the opened one, not one per value asked
