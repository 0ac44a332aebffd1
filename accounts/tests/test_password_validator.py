import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.validators import CnilPasswordValidator
from tests.personas import PASSWORD


@pytest.mark.parametrize(
    "password",
    ["Abcdefgh12!x", "abcdefghijk12!", "ABCDEFGHIJKLm1", "Correct horse battery staple"],
)
def test_it_accepts_cnil_passwords(password):
    CnilPasswordValidator().validate(password)


@pytest.mark.parametrize(
    "password",
    ["Abcdefg12!x", "abcdefghijklmn", "abcdefghijk12", "ABCDEFGHIJKL12", "demo-ndrc", "Ab1!"],
)
def test_it_refuses_short_or_poor_passwords(password):
    with pytest.raises(ValidationError) as exc:
        CnilPasswordValidator().validate(password)
    assert "12 caractères" in exc.value.messages[0]


def test_password_change_applies_the_rule(cast, login):
    client = login(cast.teacher)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "court1!A", "new_password2": "court1!A"},
    )
    assert response.status_code == 200
    assert "12 caractères" in response.content.decode()
