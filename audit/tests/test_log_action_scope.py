"""log_action scopes an entry through the audited object's own ``audit_establishment_id``."""

from django.apps import apps

from accounts.models import Cohort
from audit.models import AuditEntry
from audit.services import log_action


def test_it_takes_the_establishment_from_the_object(cast):
    entry = log_action("cohort.tested", obj=cast.other_cohort)

    assert AuditEntry.objects.get(pk=entry.pk).establishment_id == cast.other_establishment.pk


def test_it_follows_the_path_of_a_nested_object(cast):
    entry = log_action("student.tested", obj=cast.other_student)

    assert entry.establishment_id == cast.other_establishment.pk


def test_an_explicit_establishment_wins_over_the_object(cast):
    entry = log_action("cohort.tested", obj=cast.cohort, establishment_id=cast.other_establishment.pk)

    assert entry.establishment_id == cast.other_establishment.pk


def test_an_object_without_scope_leaves_the_entry_unscoped(cast):
    entry = log_action("user.tested", obj=cast.teacher)

    assert entry.establishment_id is None


def test_an_establishment_is_its_own_scope(cast):
    entry = log_action("establishment.tested", obj=cast.other_establishment)

    assert entry.establishment_id == cast.other_establishment.pk


def test_every_model_with_an_establishment_link_exposes_its_scope():
    """A new model hanging off an establishment, cohort or student must say where its audit entries go."""
    links = {"establishment", "cohort", "student", "commission", "situation", "activity", "period", "dossier"}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "passeport", "certification", "harmonisation"}
        and links & {field.name for field in model._meta.concrete_fields if field.is_relation}
        and not hasattr(model, "audit_establishment_id")
    ]

    assert missing == [], f"without audit_establishment_id: {missing}"
    assert isinstance(Cohort.audit_establishment_id, property)
