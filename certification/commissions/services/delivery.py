"""Delivery states of a convocation: what proves that a student was informed (issue 18).

« Informé·e » needs a proof: the email accepted by the mail server (outbox « envoyé »), the student's acknowledgement
in the app, or a letter (handed over and recorded by the teacher, or the letter of a student without an email
address). An email still on its way is « envoi en cours »; refused or given up, « non remise » (informing again sends
it again); sent without an answer from the server, « remise incertaine ». Rows filed before the outbox existed (no
message id) keep counting as informed. The same rule is written twice, for one row (``delivery_of``) and as a query
(``proven``, ``stopped``); sending and resending are in ``services/convocations.py``.
"""

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q

from certification.commissions.models import Convocation, InformationMethod, SituationStep
from notifications.models import OutboxMessage, OutboxState

DELIVERED, PENDING, UNCERTAIN, UNDELIVERED = "delivered", "pending", "uncertain", "undelivered"
DELIVERY_LABELS = {
    DELIVERED: "informé·e",
    PENDING: "envoi en cours",
    UNCERTAIN: "remise incertaine",
    UNDELIVERED: "non remise",
}
_DELIVERY_OF_STATE: dict[str, str] = {
    OutboxState.QUEUED: PENDING,
    OutboxState.SENDING: PENDING,
    OutboxState.SENT: DELIVERED,
    OutboxState.UNCERTAIN: UNCERTAIN,
    OutboxState.FAILED: UNDELIVERED,
    OutboxState.REFUSED: UNDELIVERED,
}
UNDELIVERED_STATES = [OutboxState.FAILED, OutboxState.REFUSED]


def delivery_of(convocation: Convocation, message: OutboxMessage | None) -> str:
    """What the proof of ``convocation`` says; ``message`` is its outbox row (None when missing)."""
    if convocation.acknowledged_at or convocation.letter_handed_at or convocation.method == InformationMethod.LETTER:
        return DELIVERED
    if not convocation.outbox_message_id:
        return DELIVERED  # filed before the outbox: nothing to check
    if message is None:
        return UNDELIVERED
    return _DELIVERY_OF_STATE[message.state]


def attach_delivery(convocations: list[Convocation]) -> None:
    """Set ``outbox``, ``delivery_state`` and ``delivery_state_label`` on each convocation (one outbox query)."""
    ids = [c.outbox_message_id for c in convocations if c.outbox_message_id]
    found = {
        m.pk: m
        for m in OutboxMessage.objects.filter(pk__in=ids).only("pk", "state", "last_error", "sent_at", "recipients")
    }
    for convocation in convocations:
        convocation.outbox = found.get(convocation.outbox_message_id) if convocation.outbox_message_id else None
        convocation.delivery_state = delivery_of(convocation, convocation.outbox)
        convocation.delivery_state_label = DELIVERY_LABELS[convocation.delivery_state]


def proven() -> Q:
    """The condition of ``delivery_of(...) == DELIVERED`` on Convocation rows, for the rules written as queries."""
    sent = OutboxMessage.objects.filter(pk=OuterRef("outbox_message_id"), state=OutboxState.SENT)
    return (
        Q(acknowledged_at__isnull=False)
        | Q(letter_handed_at__isnull=False)
        | Q(method=InformationMethod.LETTER)
        | Q(outbox_message_id__isnull=True)
        | Q(Exists(sent))
    )


def stopped(states: Sequence[str] | None = None) -> Q:
    """Current convocations whose email stopped without proof: non remise, or also incertaine by default."""
    states = states or [*UNDELIVERED_STATES, OutboxState.UNCERTAIN]
    messages = OutboxMessage.objects.filter(pk=OuterRef("outbox_message_id"), state__in=states)
    return Q(
        Exists(messages),
        method=InformationMethod.EMAIL,
        acknowledged_at__isnull=True,
        letter_handed_at__isnull=True,
        superseded_at__isnull=True,
    )


def undelivered_student_ids(step: SituationStep) -> set[int]:
    """Students whose information of ``step`` was not delivered: informing them again sends it again."""
    convocations = Convocation.objects.filter(stopped(UNDELIVERED_STATES), step=step)
    return set(convocations.values_list("student_id", flat=True))
