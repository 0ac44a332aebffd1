"""The one optimistic lock: a stale version raises the caller's conflict and writes nothing; a save counts one more."""

import pytest

from certification.models import PassageNote
from lib import versioning
from lib.refusals import Conflict, Refused


class _Stale(Conflict):
    def __init__(self):
        super().__init__("Modifié entre-temps : rien n'a été enregistré.")


def test_a_missing_row_is_version_zero():
    assert versioning.stored_version(None) == 0
    versioning.ensure_version(None, 0, _Stale)
    with pytest.raises(_Stale):
        versioning.ensure_version(None, 1, _Stale)


def test_a_conflict_is_a_refusal_with_its_french_message():
    with pytest.raises(Refused, match="rien n'a été enregistré"):
        versioning.ensure_version(type("Row", (), {"version": 3})(), 2, _Stale)


@pytest.mark.django_db
def test_bump_saves_the_fields_and_one_more_version(cast):
    from tests.factories_certification_commissions import make_commission
    from tests.factories_certification_jury import make_passage

    commission = make_commission(cast)
    passage = make_passage(commission, cast.student)
    note = PassageNote.objects.create(passage=passage, member=commission.members.get(), text="avant", version=1)
    row = versioning.locked(PassageNote.objects.filter(pk=note.pk))
    versioning.ensure_version(row, 1, _Stale)
    row.text = "après"
    versioning.bump(row, "text")
    note.refresh_from_db()
    assert (note.text, note.version) == ("après", 2)
    with pytest.raises(_Stale):
        versioning.ensure_version(note, 1, _Stale)
