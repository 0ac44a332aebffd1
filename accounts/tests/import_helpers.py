"""Driving the student import through HTTP: upload (then follow to the preview), read the confirmation form."""

import re

from django.urls import reverse

STALE = "Cet import a déjà été effectué ou a expiré : déposez à nouveau le fichier."


def upload_url(cohort) -> str:
    return reverse("accounts:student_import", args=[cohort.pk])


def upload(client, cohort, file):
    """Post ``file`` and follow to the preview page (or the upload form again, when the file is refused)."""
    return client.post(upload_url(cohort), {"file": file}, follow=True)


def confirm_form(response) -> tuple[str, dict[str, str]]:
    """The confirmation form of a preview page: its URL and data, ready for ``client.post(*confirm_form(r))``."""
    html = response.content.decode()
    match = re.search(r'action="([^"]+/confirmer/)">.*?name="version" value="(\d+)"', html, re.S)
    assert match, "le formulaire de confirmation est absent"
    return match.group(1), {"version": match.group(2)}


def has_confirm_form(response) -> bool:
    return "/confirmer/" in response.content.decode()


def preview_url(response) -> str:
    return response.redirect_chain[-1][0]
