"""The access matrix: every URL of the project × every persona, with the status each must get.

The list of URLs comes from the URL configuration itself, so a new view without a row here fails
``test_every_url_has_a_row``; and each row has personas that must be refused, so removing a permission
check from a view makes its row fail.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.personas import PASSWORD, Cast

PERSONAS = ["admin", "teacher", "other_teacher", "professional", "student", "student2", "anonymous"]


def _user_of(cast: Cast, persona: str):
    if persona == "anonymous":
        return None
    who = getattr(cast, persona)
    return getattr(who, "user", who)


@dataclass
class Row:
    """Expected statuses for one URL, by persona. ``args`` builds the URL arguments from the cast."""

    expected: dict[str, int]
    args: Callable[[Cast], list] = field(default=lambda cast: [])
    method: str = "get"
    data: dict = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {persona: overrides.get(persona, status) for persona in PERSONAS}


def logged_in(status: int, **overrides: int) -> dict[str, int]:
    """A page behind login: anonymous visitors are sent to the login page."""
    return everyone(status, anonymous=302, **overrides)


STAFF_ONLY = logged_in(200, professional=404, student=404, student2=404)
ADMIN_ONLY = logged_in(404, admin=200)

MATRIX: dict[str, list[Row]] = {
    "home": [Row(logged_in(200))],
    "accounts:login": [Row(everyone(302, anonymous=200))],
    "accounts:logout": [Row(everyone(302), method="post")],
    "accounts:password_reset": [Row(everyone(200))],
    "accounts:password_reset_done": [Row(everyone(200))],
    "accounts:password_reset_confirm": [Row(everyone(200), args=lambda c: ["MQ", "bad-token"])],
    "accounts:password_reset_complete": [Row(everyone(200))],
    "accounts:password_change": [Row(logged_in(200))],
    "accounts:cohort_list": [Row(STAFF_ONLY)],
    "accounts:cohort_detail": [
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=404), args=lambda c: [c.cohort.pk]
        )
    ],
    "accounts:cohort_create": [Row(ADMIN_ONLY)],
    "accounts:cohort_edit": [Row(logged_in(404, admin=200, teacher=403), args=lambda c: [c.cohort.pk])],
    "accounts:staff": [Row(ADMIN_ONLY)],
    "accounts:student_import": [
        Row(
            logged_in(200, other_teacher=404, professional=404, student=404, student2=404), args=lambda c: [c.cohort.pk]
        ),
        # A teacher of the establishment who does not teach that cohort sees it but may not change it.
        Row(
            logged_in(200, teacher=403, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.first_year.pk],
        ),
    ],
    # Confirming with no previewed file: allowed people are sent back with a message, others never learn more.
    "accounts:student_import_confirm": [
        Row(
            logged_in(302, other_teacher=404, professional=404, student=404, student2=404),
            args=lambda c: [c.cohort.pk],
            method="post",
            data={"token": "stale"},
        ),
    ],
    "accounts:student_detail": [
        Row(logged_in(200, other_teacher=404, student2=404), args=lambda c: [c.student.pk]),
        Row(logged_in(404, admin=200, teacher=200, student2=200), args=lambda c: [c.student2.pk]),
    ],
    "accounts:invite_professional": [Row(STAFF_ONLY)],
    "accounts:accept_invitation": [Row(everyone(404), args=lambda c: ["unknown-token"])],
    "accounts:audit_log": [Row(ADMIN_ONLY)],
    "accounts:outbox": [Row(ADMIN_ONLY)],
    "referentiel:detail": [Row(logged_in(200))],
}


def _url_names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"Every URL needs a name to appear in the access matrix: {pattern.pattern}"
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_a_row():
    names = _url_names(get_resolver())
    assert names - MATRIX.keys() == set(), "URLs without a row in the access matrix"
    assert MATRIX.keys() - names == set(), "rows for URLs that no longer exist"


def test_every_row_refuses_someone_or_is_public():
    """A row where every logged-in persona gets in must be a page meant for everyone logged in."""
    meant_for_all = {
        "home",
        "accounts:password_change",
        "referentiel:detail",
        "accounts:logout",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:accept_invitation",
    }
    for name, rows in MATRIX.items():
        if name in meant_for_all:
            continue
        for row in rows:
            assert any(status in (403, 404) for status in row.expected.values()), name


CASES = [
    pytest.param(name, index, persona, id=f"{name}[{index}]-{persona}")
    for name, rows in MATRIX.items()
    for index in range(len(rows))
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_access(client, cast, name, index, persona):
    row = MATRIX[name][index]
    user = _user_of(cast, persona)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    url = reverse(name, args=row.args(cast))
    response = getattr(client, row.method)(url, row.data)
    assert response.status_code == row.expected[persona], (
        f"{row.method.upper()} {url} as {persona}: {response.status_code}, expected {row.expected[persona]}"
    )
    if persona == "anonymous" and response.status_code == 302 and name != "accounts:logout":
        assert response.url.startswith(reverse("accounts:login"))
