"""The printed sheet of first-login codes: one slip to cut out per person, produced once and never stored."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.access_codes import IssuedCode
from accounts.models import Establishment
from lib import pdf


def render_codes_pdf(
    *, issued: list[IssuedCode], establishment: Establishment, site_url: str, group: str = ""
) -> bytes:
    """``site_url``: the public address of the site (``https://ccf.lycee.fr``), printed for the student to type."""
    context = {
        "slips": issued,
        "establishment": establishment,
        "group": group,
        "site": site_url.split("://", 1)[-1],
        "first_access_url": site_url + reverse("accounts:first_access"),
        "printed_at": timezone.localtime(),
    }
    return pdf.render_pdf(render_to_string("accounts/codes_sheet_pdf.html", context))


def codes_filename(name: str) -> str:
    return f"codes-premiere-connexion-{slugify(name) or 'compte'}-{timezone.localdate():%Y-%m-%d}.pdf"
