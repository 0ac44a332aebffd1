"""Issue 13, finding 9: nothing a signed-in person saw stays in a shared PC's cache (Cache-Control: no-store)."""

import pytest
from django.urls import reverse

from tests.factories_certification_marks import make_marks_commission


@pytest.mark.parametrize(
    ("who", "name", "args"),
    [
        ("teacher", "certification:grid_agreed", lambda c, cast: [c.pk, cast.student.pk]),
        ("teacher", "certification:profiles", lambda c, cast: [c.pk]),
        ("teacher", "certification:commission_export", lambda c, cast: [c.pk, "csv"]),
        ("teacher", "certification:commission_export", lambda c, cast: [c.pk, "xlsx"]),
        ("student", "passeport:passeport", lambda c, cast: [cast.student.pk]),
        ("student", "home", lambda c, cast: []),
    ],
)
def test_pages_and_downloads_with_personal_or_jury_data_are_never_stored(cast, login, who, name, args):
    commission = make_marks_commission(cast)
    response = login(getattr(cast, who)).get(reverse(name, args=args(commission, cast)))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
