"""The access matrix: every URL of the project × every persona, with the status each must get.

The list of URLs comes from the URL configuration itself, so a new view without a row here fails
``test_every_url_has_a_row``; and each row has personas that must be refused, so removing a permission
check from a view makes its row fail.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access
from tests.access import PERSONAS, Row, user_of
from tests.personas import PASSWORD


def _gather() -> dict[str, list[Row]]:
    matrix: dict[str, list[Row]] = {}
    for module_info in pkgutil.iter_modules(tests.access.__path__):
        module = importlib.import_module(f"tests.access.{module_info.name}")
        for name, rows in module.ROWS.items():
            assert name not in matrix, f"{name} has rows in two modules of tests/access"
            matrix[name] = rows
    return matrix


MATRIX = _gather()


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
        "whoami",
        "accounts:password_change",
        "referentiel:detail",
        "accounts:logout",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "accounts:accept_invitation",
        "accounts:first_access",
        "health:sante",
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
    user = user_of(cast, persona)
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    url = reverse(name, args=row.args(cast))
    data = row.data(cast) if callable(row.data) else row.data  # data naming rows of this test's database
    response = getattr(client, row.method)(url, data)
    assert response.status_code == row.expected[persona], (
        f"{row.method.upper()} {url} as {persona}: {response.status_code}, expected {row.expected[persona]}"
    )
    if persona == "anonymous" and response.status_code == 302 and name != "accounts:logout":
        assert response.url.startswith(reverse("accounts:login"))
