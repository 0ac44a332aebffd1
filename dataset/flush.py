"""Which establishments a database holds, and the deletion of the generated ones (and of nothing else).

A dataset must never be mixed into a real school's database by mistake: ``foreign_establishments`` lists every
establishment that is not a generated one (the demo's included), and the command refuses to run when there is any.

``flush_dataset`` deletes the generated establishments with everything that hangs on them — also rows written later
by other code (a benchmark's passages, subject sheets…): wherever a ``PROTECT`` foreign key stops a deletion, the
protecting rows are deleted first, so a model added tomorrow needs no change here. Outbox messages of those
establishments and the attestation files go too. The audit log stays as it is: it is append-only (PostgreSQL refuses
to delete its rows), so the accounts it names are kept, renamed and deactivated (``_retire``).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, ProtectedError, QuerySet, RestrictedError, Value
from django.db.models.functions import Cast, Concat

from accounts.models import Cohort, Establishment, Membership, Student, User
from audit.models import AuditEntry
from dataset.spec import is_dataset_uai
from notifications.models import OutboxMessage
from passeport.models import Evidence, InternshipPeriod

MAX_DEPTH = 30


def dataset_establishments() -> list[Establishment]:
    return [e for e in Establishment.objects.order_by("uai") if is_dataset_uai(e.uai)]


def foreign_establishments() -> list[Establishment]:
    return [e for e in Establishment.objects.order_by("uai") if not is_dataset_uai(e.uai)]


def _delete(queryset: QuerySet, depth: int = 0) -> int:
    """Delete ``queryset``; rows that protect it are deleted first (recursively). Returns the rows deleted."""
    deleted = 0
    while True:
        try:
            count, _ = queryset.delete()
            return deleted + count
        except (ProtectedError, RestrictedError) as error:
            if depth >= MAX_DEPTH:
                raise
            blockers = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            by_model = defaultdict(set)
            for obj in blockers:
                by_model[type(obj)].add(obj.pk)
            for model, pks in by_model.items():
                deleted += _delete(model._default_manager.filter(pk__in=pks), depth + 1)


def flush_dataset() -> dict[str, int]:
    """Delete every generated establishment and everything of theirs; returns what was deleted."""
    establishments = dataset_establishments()
    if not establishments:
        return {}
    ids = [e.pk for e in establishments]
    with transaction.atomic():
        cohorts = Cohort.objects.filter(establishment_id__in=ids)
        students = Student.objects.filter(cohort__in=cohorts)
        user_ids = set(students.values_list("user_id", flat=True))
        user_ids |= set(Membership.objects.filter(establishment_id__in=ids).values_list("user_id", flat=True))
        files = list(
            InternshipPeriod.objects.filter(student__in=students)
            .exclude(attestation="")
            .values_list("attestation", flat=True)
        )
        files += list(Evidence.objects.filter(activity__student__in=students).values_list("file", flat=True))
        outbox = OutboxMessage.objects.filter(establishment_id__in=ids).delete()[0]
        rows = _delete(Establishment.objects.filter(pk__in=ids))
        actors = set(AuditEntry.objects.filter(actor_id__in=user_ids).values_list("actor_id", flat=True).distinct())
        rows += _delete(User.objects.filter(pk__in=user_ids - actors))
        retired = _retire(actors)
        transaction.on_commit(lambda: _remove_files(files))
    return {
        "établissements": len(ids),
        "comptes supprimés": len(user_ids) - retired,
        "comptes retirés": retired,
        "lignes": rows,
        "courriels": outbox,
    }


def _retire(user_ids: set[int]) -> int:
    """Accounts named in the audit log stay (the log is append-only, PostgreSQL refuses to delete its rows), renamed
    ``purgeN-…`` so the next dataset can reuse their usernames, without email, inactive, unable to log in."""
    return User.objects.filter(pk__in=user_ids).update(
        username=Concat(Value("purge"), Cast("id", CharField()), Value("-"), "username"),
        email="",
        is_active=False,
        password=UNUSABLE_PASSWORD_PREFIX,
    )


def _remove_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
