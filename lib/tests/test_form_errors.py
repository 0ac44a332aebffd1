"""The shared form includes: each error is read with its field, and the banner counts and links the fields."""

import re

from django.urls import reverse


def test_an_invalid_field_is_described_by_its_message_and_listed_in_the_banner(cast, login):
    url = reverse("passeport:activity_create", args=[cast.student.pk])

    html = login(cast.student).post(url, {"title": "", "setting": "stage"}).content.decode()

    title_input = re.search(r"<input[^>]*name=\"title\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in title_input
    assert 'aria-describedby="id_title_error"' in title_input
    assert 'id="id_title_error"' in html
    banner = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', html, re.S).group(1)
    count = int(re.search(r"(\d+) champs? à corriger", banner).group(1))
    assert count == len(re.findall(r'id="id_\w+_error"', html))
    assert '<a href="#id_title">' in banner
    assert '<a href="#id_nature_0">Nature</a>' in banner  # a radio set: its first choice
    assert 'aria-describedby="id_nature_error"' in html
