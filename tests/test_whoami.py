"""« Mon compte »: the logged-in person's name; also the load benchmark's baseline page."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_shows_who_is_logged_in(client, cast, login):
    login(cast.teacher)
    response = client.get(reverse("whoami"))
    assert response.status_code == 200
    assert cast.teacher.username in response.content.decode()


@pytest.mark.django_db
def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("whoami"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
