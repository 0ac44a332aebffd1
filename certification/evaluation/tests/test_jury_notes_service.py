"""save_passage_note: one note per member and passage, optimistic version, first creation audited."""

import pytest

from audit.models import AuditEntry
from certification.evaluation.services.jury_notes import NoteConflict, NoteRefused, save_passage_note
from certification.models import PassageNote
from tests.factories_certification_commissions import add_member, make_commission
from tests.factories_certification_jury import make_passage

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(cast):
    commission = make_commission(cast)
    berthe = add_member(commission, cast.teacher2)
    bob = commission.members.get(user=cast.teacher)
    return make_passage(commission, cast.student), bob, berthe


def test_the_first_save_creates_the_note_at_version_1(cast, setting):
    passage, bob, _ = setting
    saved = save_passage_note(passage=passage, member=bob, text="Bien", expected_version=0, actor=cast.teacher)
    assert saved.changed and saved.note.version == 1 and saved.note.text == "Bien"


def test_windows_line_ends_are_stored_as_plain_line_ends(cast, setting):
    passage, bob, _ = setting
    saved = save_passage_note(passage=passage, member=bob, text="a\r\nb", expected_version=0, actor=cast.teacher)
    assert saved.note.text == "a\nb"


def test_a_save_on_an_old_version_raises_a_conflict_carrying_the_stored_text(cast, setting):
    passage, bob, _ = setting
    save_passage_note(passage=passage, member=bob, text="Onglet 1", expected_version=0, actor=cast.teacher)
    save_passage_note(passage=passage, member=bob, text="Onglet 1 bis", expected_version=1, actor=cast.teacher)
    with pytest.raises(NoteConflict) as conflict:
        save_passage_note(passage=passage, member=bob, text="Onglet 2", expected_version=1, actor=cast.teacher)
    assert conflict.value.current_version == 2
    assert conflict.value.current_text == "Onglet 1 bis"
    assert conflict.value.message.startswith("Conflit : ")
    assert PassageNote.objects.get().text == "Onglet 1 bis"


def test_a_first_save_that_finds_a_note_already_there_is_a_conflict(cast, setting):
    passage, bob, _ = setting
    save_passage_note(passage=passage, member=bob, text="Onglet 1", expected_version=0, actor=cast.teacher)
    with pytest.raises(NoteConflict):
        save_passage_note(passage=passage, member=bob, text="Onglet 2", expected_version=0, actor=cast.teacher)


def test_members_have_their_own_note(cast, setting):
    passage, bob, berthe = setting
    save_passage_note(passage=passage, member=bob, text="Bob", expected_version=0, actor=cast.teacher)
    save_passage_note(passage=passage, member=berthe, text="Berthe", expected_version=0, actor=cast.teacher2)
    assert dict(PassageNote.objects.values_list("member__user__username", "text")) == {"bob": "Bob", "berthe": "Berthe"}


def test_a_member_of_another_commission_is_refused(cast, setting):
    passage, _, _ = setting
    other = make_commission(cast, "E6").members.get(user=cast.teacher)
    with pytest.raises(NoteRefused):
        save_passage_note(passage=passage, member=other, text="x", expected_version=0, actor=cast.teacher)
    assert not PassageNote.objects.exists()


def test_only_the_creation_is_audited(cast, setting):
    passage, bob, _ = setting
    for version, text in enumerate(["a", "ab", "abc"]):
        save_passage_note(passage=passage, member=bob, text=text, expected_version=version, actor=cast.teacher)
    entry = AuditEntry.objects.get(action="passage_note.created")
    assert entry.actor == cast.teacher
    assert entry.establishment_id == cast.establishment.pk
