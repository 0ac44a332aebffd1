"""« de » before a name, elided as French writes it: « Passeport d’Emma », « de Lucas »."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from lib.templatetags.french import de


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Emma BERNARD", "d’Emma BERNARD"),
        ("Lucas PETIT", "de Lucas PETIT"),
        ("Étienne", "d’Étienne"),
        ("ÉLODIE", "d’ÉLODIE"),
        ("Œdipe", "d’Œdipe"),
        ("Inès", "d’Inès"),
        ("Ugo", "d’Ugo"),
        ("Yves", "d’Yves"),
        ("Yanis", "de Yanis"),
        ("Hugo", "d’Hugo"),
        ("Zoé", "de Zoé"),
        ("  Anne ", "d’Anne"),
    ],
)
def test_it_elides_before_a_vowel_sound(name, expected):
    assert de(name) == expected


def test_it_escapes_the_name():
    assert de("Eve <b>") == "d’Eve &lt;b&gt;"


def test_it_works_in_a_template_with_any_object():
    class Person:
        def __str__(self) -> str:
            return "Alice MARTIN"

    rendered = Template("{% load french %}Passeport {{ person|de }}").render(Context({"person": Person()}))
    assert rendered == "Passeport d’Alice MARTIN"


def test_the_passeport_page_is_titled_with_the_elided_name(cast, login):
    page = login(cast.teacher).get(reverse("passeport:passeport", args=[cast.student.pk])).content.decode()
    assert "Passeport d’Emma ÉTUDIANTE" in page
    assert "Passeport de Emma" not in page
    page = login(cast.teacher).get(reverse("passeport:passeport", args=[cast.student2.pk])).content.decode()
    assert "Passeport de Lucas ÉTUDIANT" in page
