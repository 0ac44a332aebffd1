"""French alphabetical order of names, the same in Python, on SQLite and on PostgreSQL."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from lib.collation import by_name, name_key
from tests.personas import make_student, make_user

# The French order: accents and case do not separate names, Œ reads OE, a particle is a word like another.
FRENCH_ORDER = [
    "D'ALEMBERT",
    "DALTON",
    "DE LA FONTAINE",
    "de Lucas",
    "Dupont",
    "etienne",
    "ÉTIENNE",
    "Eve",
    "Le Goff",
    "LEBON",
    "Ode",
    "Oeillet",
    "Œillet",
    "OEUF",
    "VINCENT",
]


def test_the_key_sorts_names_in_french_order():
    assert sorted(reversed(FRENCH_ORDER), key=name_key) == FRENCH_ORDER


def test_the_key_puts_accented_capitals_with_their_letter():
    assert sorted(["VINCENT", "ÉTIENNE", "Eve"], key=name_key) == ["ÉTIENNE", "Eve", "VINCENT"]


def test_the_key_accepts_empty_names():
    assert sorted(["Alain", None, ""], key=name_key)[-1] == "Alain"


@pytest.mark.django_db
def test_the_database_sorts_names_in_french_order():
    for index, last_name in enumerate(reversed(FRENCH_ORDER)):
        make_user(f"person{index}", "Jean", last_name)
    names = list(User.objects.filter(username__startswith="person").order_by(*by_name("")).values_list("last_name"))
    assert [name for (name,) in names] == FRENCH_ORDER


@pytest.mark.django_db
def test_the_database_sorts_first_names_after_last_names():
    make_user("p1", "Zoé", "Martin")
    make_user("p2", "Élodie", "Martin")
    make_user("p3", "Adam", "Moreau")
    names = User.objects.filter(username__startswith="p").order_by(*by_name("")).values_list("first_name", flat=True)
    assert list(names) == ["Élodie", "Zoé", "Adam"]


def test_the_class_page_lists_imported_and_demo_names_together(cast, login):
    # An imported name in capitals with an accent, a particle, a ligature: each among the others by its letter.
    for username, first, last in [
        ("vincent", "Paul", "VINCENT"),
        ("etienne", "Marie", "ÉTIENNE"),
        ("oeillet", "Léa", "Œillet"),
        ("delucas", "Hugo", "de Lucas"),
        ("fontaine", "Inès", "DE LA FONTAINE"),
    ]:
        make_student(username, first, last, cast.cohort)
    page = login(cast.teacher).get(reverse("accounts:cohort_detail", args=[cast.cohort.pk])).content.decode()
    listed = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', page)
    assert listed == ["DE LA FONTAINE", "DE LUCAS", "ÉTIENNE", "ÉTUDIANT", "ÉTUDIANTE", "ŒILLET", "VINCENT"]
