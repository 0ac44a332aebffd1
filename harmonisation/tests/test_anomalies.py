"""Anomalies the académie sees beside the marks (issue 16): dominance contradictions left unresolved, computed by
the profiles page's own function."""

import html
import re

from django.urls import reverse

from tests.factories_harmonisation import key_of, make_world, mark
from tests.personas import PASSWORD, make_student


def _page(client, cast, world) -> str:
    assert client.login(username=world.inspector.username, password=PASSWORD)
    url = reverse("harmonisation:exam", args=[world.academie.pk, cast.session.pk, world.commission.exam_id])
    return client.get(url).content.decode()


def test_a_dominant_profile_with_a_lower_mark_is_listed_with_a_link_to_the_candidate(client, cast):
    world = make_world(cast, size=1)
    student = make_student("tsbas", "Très", "Bas", cast.cohort, "ts0001")
    result = mark(world.commission, student, "10.5", level="TS")  # TS everywhere, below the S-S-S at 11 and 12
    page = _page(client, cast, world)
    found = re.findall(r'<a href="([^"]+)">(\d+ contradictions de dominance non résolues, dont : [^<]*)</a>', page)
    expected = reverse("harmonisation:candidate", args=[result.pk])
    assert len(found) == 1  # one line per commission, its first contradiction as the example
    href, text = found[0]
    assert href == expected
    text = html.unescape(text)
    assert text.startswith("3 contradictions de dominance non résolues, dont : ts0001 a un profil qui domine celui de ")
    assert f"({key_of(world.commission, 'TS')} : 10,5 ; {key_of(world.commission)} : 12)." in text


def test_no_contradiction_when_the_dominant_profile_has_the_higher_mark(client, cast):
    world = make_world(cast, size=1)
    student = make_student("tshaut", "Très", "Haut", cast.cohort, "ts0002")
    mark(world.commission, student, "16", level="TS")
    assert "contradiction de dominance" not in _page(client, cast, world)
