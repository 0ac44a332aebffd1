"""A jury member's own notes during a passage: saved automatically while typing, jury only.

One ``PassageNote`` per member and passage. The notes are a working draft, never communicated to the candidate
(the evaluation sheet is the communicable face) and never a decision: only their first creation is audited, without
the text, so the audit log shows who took notes on which passage without copying them nor growing at every
keystroke of an autosave.

Optimistic locking, as for grids: the page sends the version it was built from (0 before any save). A save based on
an older version (the same member typing in two tabs or on two devices) is refused with ``NoteConflict``; nothing is
written and the caller shows the member's text back.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import log_action
from certification.commissions.models import CommissionMember, Passage, PassageNote
from lib import versioning
from lib.refusals import Conflict, Refused

MAX_NOTE_LENGTH = 20_000


class NoteRefused(Refused):
    pass


class NoteConflict(NoteRefused, Conflict):
    """The notes were saved elsewhere since the page was opened: ``current`` is what is stored now."""

    def __init__(self, message: str, *, current: PassageNote | None):
        super().__init__(message)
        self.current = current

    @property
    def current_version(self) -> int:
        return self.current.version if self.current is not None else 0

    @property
    def current_text(self) -> str:
        return self.current.text if self.current is not None else ""


@dataclass(frozen=True)
class NoteSaved:
    note: PassageNote
    changed: bool


def conflict_message(current: PassageNote | None) -> str:
    when = f" à {timezone.localtime(current.updated_at):%H:%M}" if current is not None else ""
    return (
        f"Conflit : vos notes de ce passage ont été enregistrées ailleurs{when} (autre onglet ou autre appareil), "
        "après l'ouverture de cette page. Votre texte n'a pas été enregistré ; il reste affiché ici. "
        "Comparez-le au texte enregistré, puis enregistrez celui que vous gardez."
    )


def passage_note(passage: Passage, member: CommissionMember) -> PassageNote | None:
    return PassageNote.objects.filter(passage=passage, member=member).first()


def save_passage_note(
    *, passage: Passage, member: CommissionMember, text: str, expected_version: int, actor: User
) -> NoteSaved:
    """Save the member's notes; raises NoteConflict when ``expected_version`` is not the stored one."""
    if member.commission_id != passage.situation.commission_id:
        raise NoteRefused("Seuls les membres de la commission prennent des notes sur ce passage.")
    # A posted textarea sends CRLF line ends: store one form, so « same text » really means unchanged.
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_NOTE_LENGTH:
        raise NoteRefused(f"Les notes sont limitées à {MAX_NOTE_LENGTH} caractères : rien n'a été enregistré.")
    try:
        with transaction.atomic():
            note = versioning.locked(PassageNote.objects.filter(passage=passage, member=member))
            versioning.ensure_version(
                note, expected_version, lambda: NoteConflict(conflict_message(note), current=note)
            )
            if note is None:
                note = PassageNote.objects.create(passage=passage, member=member, text=text, version=1)
                log_action(
                    "passage_note.created",
                    actor=actor,
                    obj=passage,
                    establishment_id=passage.situation.commission.cohort.establishment_id,
                    changes={"member": member.user.display_name},
                )
                return NoteSaved(note, changed=True)
            if note.text == text:
                return NoteSaved(note, changed=False)
            note.text = text
            versioning.bump(note, "text")
    except IntegrityError:
        # The same member's other tab created the notes at the same moment.
        current_note = passage_note(passage, member)
        raise NoteConflict(conflict_message(current_note), current=current_note) from None
    return NoteSaved(note, changed=True)
