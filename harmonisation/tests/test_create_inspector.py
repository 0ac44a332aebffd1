import pytest
from django.core.management import CommandError, call_command

from accounts.models import AcademieMembership, Establishment
from audit.models import AuditEntry


def test_it_creates_the_academie_attaches_establishments_and_grants_the_role(cast, capsys):
    call_command(
        "create_inspector",
        "--academie-code=10",
        "--academie-name=Lyon",
        "--uai=0690001A",
        "--email=ipr@ac-lyon.fr",
        "--first-name=Inès",
        "--last-name=Pr",
        "--base-url=https://ndrc.example.org",
    )
    membership = AcademieMembership.objects.get()
    assert membership.user.email == "ipr@ac-lyon.fr" and not membership.user.has_usable_password()
    assert Establishment.objects.get(uai="0690001A").academie == membership.academie
    assert Establishment.objects.get(uai="0750002B").academie is None
    assert "https://ndrc.example.org/" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="academie.inspector_granted").exists()


def test_an_unknown_establishment_changes_nothing(cast):
    with pytest.raises(CommandError, match="Établissement inconnu"):
        call_command(
            "create_inspector",
            "--academie-code=10",
            "--academie-name=Lyon",
            "--uai=0000000Z",
            "--email=ipr@ac-lyon.fr",
            "--first-name=Inès",
            "--last-name=Pr",
            "--base-url=https://ndrc.example.org",
        )
    assert not AcademieMembership.objects.exists()
