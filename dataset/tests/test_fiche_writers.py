"""The bulk writer of fiches must write exactly what the passeport services write, version history included."""

import pytest

from audit.models import AuditEntry
from dataset.fingerprint import fiche_hashes
from dataset.tests.helpers import generate

pytestmark = pytest.mark.django_db


def _fiche_audit(after: int = 0) -> list:
    rows = AuditEntry.objects.filter(object_type="passeport.fiche", pk__gt=after).order_by("pk")
    return [(e.actor_repr, e.action, e.object_repr, e.changes.get("rubriques"), e.changes.get("version")) for e in rows]


def test_bulk_fiches_are_the_rows_the_services_write():
    generate("--preset", "tiny", "--fiche-writes", "services")
    through_services = fiche_hashes(), _fiche_audit()

    watermark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert watermark is not None
    generate("--preset", "tiny", "--fiche-writes", "bulk", "--flush-existing-dataset")
    in_bulk = fiche_hashes(), _fiche_audit(after=watermark)

    assert len(through_services[0]) == 3 * 4
    assert in_bulk == through_services
