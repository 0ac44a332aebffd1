"""The inspection role against the whole access matrix: on every establishment URL the inspector gets exactly what a
logged-in person without any role gets (never a page of an establishment's workflow, never a write); on the
harmonisation URLs, only their own académie."""

import pytest
from django.urls import reverse

from tests.factories_harmonisation import make_inspector, make_request, make_world
from tests.personas import PASSWORD
from tests.test_access_matrix import MATRIX

ESTABLISHMENT_ROWS = [
    pytest.param(name, index, id=f"{name}[{index}]")
    for name, rows in MATRIX.items()
    if not name.startswith("harmonisation:")
    for index in range(len(rows))
]


@pytest.mark.parametrize(("name", "index"), ESTABLISHMENT_ROWS)
def test_inspector_gets_what_a_person_without_role_gets(client, cast, name, index):
    inspector = make_inspector(cast)  # their académie holds the cast's establishment
    row = MATRIX[name][index]
    url = reverse(name, args=row.args(cast))
    data = row.data(cast) if callable(row.data) else row.data
    statuses = {}
    for who in (cast.outsider, inspector):
        client.logout()
        assert client.login(username=who.username, password=PASSWORD)
        statuses[who.username] = getattr(client, row.method)(url, data).status_code
    assert statuses[inspector.username] == statuses[cast.outsider.username], statuses
    public = row.expected["anonymous"] == 200  # a bearer link: anyone holding it opens it
    if any(status in (403, 404) for status in row.expected.values()) and not public:
        assert statuses[inspector.username] in (302, 403, 404, 405), statuses


@pytest.fixture
def inspector(client, cast):
    world = make_world(cast, size=1)
    assert client.login(username=world.inspector.username, password=PASSWORD)
    return world


def test_inspector_reads_own_academie_pages(client, cast, inspector):
    assert client.get(reverse("harmonisation:index")).status_code == 200
    url = reverse("harmonisation:exam", args=[inspector.academie.pk, cast.session.pk, inspector.commission.exam_id])
    assert client.get(url).status_code == 200
    result = inspector.commission.results.first()
    assert client.get(reverse("harmonisation:candidate", args=[result.pk])).status_code == 200


def test_inspector_sees_no_other_academie(client, cast, inspector):
    url = reverse(
        "harmonisation:exam", args=[inspector.other_academie.pk, cast.session.pk, inspector.commission.exam_id]
    )
    assert client.get(url).status_code == 404
    other_result = inspector.other_commission.results.first()
    assert client.get(reverse("harmonisation:candidate", args=[other_result.pk])).status_code == 404
    ask = reverse("harmonisation:ask_candidate", args=[other_result.pk])
    assert client.post(ask, {"reason": "Trop bas."}).status_code == 404
    profile = reverse("harmonisation:ask_profile", args=[inspector.other_commission.pk])
    assert client.get(profile, {"profil": "S-S-S"}).status_code == 404


def test_inspector_cannot_answer_a_request(client, cast, inspector):
    request = make_request(cast, inspector)
    url = reverse("harmonisation:answer", args=[request.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "justified", "text": "Je réponds à leur place."}).status_code == 404
    request.refresh_from_db()
    assert request.is_open
