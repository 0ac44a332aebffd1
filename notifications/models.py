"""The outbox: every email is a row first, written in the transaction of the action that causes it.

A worker delivers rows later (``notifications.tasks``), so a request never waits on SMTP and a message is
never lost because the mail server was down, nor sent for an action that was rolled back.
"""

from django.db import models
from django.db.models import Q

# Labels for the kinds the product sends today; an unknown kind is shown as is.
KIND_LABELS = {
    "password_reset": "Réinitialisation du mot de passe",
    "invitation": "Invitation",
    "convocation": "Convocation",
    "reminder": "Rappel",
    "attestation_request": "Attestation de stage à signer",
}


class OutboxState(models.TextChoices):
    QUEUED = "queued", "En attente"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec définitif"
    # The server received the whole message but its answer never came: it may have been delivered.
    UNCERTAIN = "uncertain", "Incertain"
    # The server refused the recipient or the message for good (5xx): it was not delivered.
    REFUSED = "refused", "Non remis"


# States where delivery has stopped without a 250 from the server: what an administrator may retry.
RETRYABLE_STATES = (OutboxState.FAILED, OutboxState.UNCERTAIN, OutboxState.REFUSED)
# Sends that reached the end of DATA without an answer: the first one and a single retry (same Message-ID).
MAX_UNCERTAIN_SENDS = 2


class OutboxMessage(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # A plain id, not a foreign key: notifications sits below the people app and knows no domain model.
    establishment_id = models.BigIntegerField("établissement", null=True, blank=True)
    kind = models.CharField("type", max_length=50, blank=True, default="")
    subject = models.CharField("objet", max_length=998, blank=True, default="")
    from_email = models.CharField("expéditeur", max_length=320)
    # Envelope recipients (To, Cc and Bcc together), as given to SMTP.
    recipients = models.JSONField("destinataires", default=list)
    # The complete MIME message exactly as it goes on the wire (CRLF line ends), attachments included.
    raw_message = models.BinaryField("message MIME")
    state = models.CharField("état", max_length=10, choices=OutboxState.choices, default=OutboxState.QUEUED)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    # Attempts whose message data reached the server without an answer: each may have delivered the message.
    uncertain_attempts = models.PositiveIntegerField("envois sans réponse", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    # When a worker took the row; a row left "sending" long after this belonged to a worker that died.
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True, default="")
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel en file d'attente"
        verbose_name_plural = "courriels en file d'attente"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["establishment_id", "-created_at"], name="outbox_estab_created"),
            models.Index(fields=["establishment_id", "state", "-created_at"], name="outbox_estab_state_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=OutboxState.QUEUED) | Q(next_attempt_at__isnull=False),
                name="outbox_queued_has_next_attempt",
            ),
            models.CheckConstraint(
                condition=~Q(state=OutboxState.SENT) | Q(sent_at__isnull=False),
                name="outbox_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(state=OutboxState.SENDING) | Q(claimed_at__isnull=False),
                name="outbox_sending_has_claimed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.get_state_display()})"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def state_tag(self) -> str:
        """CSS modifier of the state badge on the administrators' page."""
        tags: dict[str, str] = {
            OutboxState.SENT: "tag-ok",
            OutboxState.FAILED: "tag-err",
            OutboxState.REFUSED: "tag-err",
        }
        return tags.get(self.state, "tag-warn")

    @property
    def can_be_retried(self) -> bool:
        return self.state in RETRYABLE_STATES

    @property
    def audit_establishment_id(self) -> int | None:
        return self.establishment_id
