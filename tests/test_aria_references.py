"""Every `aria-describedby` / `aria-labelledby` names an element of the page, on every page of the access matrix.

Each URL of the matrix is requested by the first persona allowed in — a form posted empty, so that its errors are
on the page — and the references of the HTML answer are checked. A field whose error message carries another id
than the one its widget names is silent for a screen reader: the message is never read with the field.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.access import PERSONAS, user_of
from tests.personas import PASSWORD
from tests.test_access_matrix import MATRIX

REFERENCING = ("aria-describedby", "aria-labelledby", "aria-controls", "for")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCING and value:
                self.references += [(tag, name, ref) for ref in value.split()]


def dangling_references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return [f"<{tag} {name}=« {ref} »>" for tag, name, ref in parser.references if ref not in parser.ids]


def test_it_finds_a_reference_to_a_missing_element():
    html = '<input id="id_a" aria-describedby="id_a_error id_a_helptext"><p id="id_a_helptext"></p>'

    assert dangling_references(html) == ["<input aria-describedby=« id_a_error »>"]


CASES = [
    pytest.param(name, index, id=f"{name}[{index}]")
    for name, rows in MATRIX.items()
    for index, row in enumerate(rows)
    if any(status == 200 for status in row.expected.values()) or row.method == "post"
]


@pytest.mark.parametrize(("name", "index"), CASES)
def test_every_aria_reference_names_an_element_of_the_page(client, cast, name, index):
    row = MATRIX[name][index]
    allowed = [p for p in PERSONAS if row.expected[p] in (200, 302) and p != "anonymous"] or ["anonymous"]
    user = user_of(cast, allowed[0])
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    url = reverse(name, args=row.args(cast))
    response = client.post(url, {}) if row.method == "post" else client.get(url)

    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return  # a redirect, a download: no page to read
    assert dangling_references(response.content.decode()) == [], f"{row.method.upper()} {url} as {allowed[0]}"
