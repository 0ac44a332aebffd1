import pytest
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction

from audit.models import AuditEntry
from audit.services import log_action

DB_ERRORS = (IntegrityError, InternalError, OperationalError)


@pytest.mark.django_db
def test_an_entry_records_who_what_and_changes(cast):
    entry = log_action(
        "cohort.renamed",
        actor=cast.admin,
        obj=cast.cohort,
        establishment_id=cast.establishment.pk,
        changes={"name": ["A", "B"]},
    )
    entry.refresh_from_db()
    assert entry.actor == cast.admin
    assert entry.object_type == "accounts.cohort"
    assert entry.object_id == str(cast.cohort.pk)
    assert entry.changes == {"name": ["A", "B"]}
    assert entry.at is not None


@pytest.mark.django_db
def test_the_model_refuses_updates_and_deletes():
    entry = log_action("x.done")
    entry.action = "y.done"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


@pytest.mark.django_db
def test_the_database_refuses_updates_behind_the_model():
    log_action("x.done")
    with pytest.raises(DB_ERRORS), transaction.atomic():
        AuditEntry.objects.update(action="tampered")
    assert AuditEntry.objects.get().action == "x.done"


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgresql_also_refuses_deletes_behind_the_model():
    assert connection.vendor == "postgresql"
    log_action("x.done")
    with pytest.raises(DB_ERRORS), transaction.atomic():
        AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    assert AuditEntry.objects.count() == 1
