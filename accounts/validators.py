from django.core.exceptions import ValidationError

_CLASSES = (
    ("minuscules", str.islower),
    ("majuscules", str.isupper),
    ("chiffres", str.isdigit),
    ("caractères spéciaux", lambda c: not c.isalnum()),
)


class CnilPasswordValidator:
    """CNIL recommendation (délibération 2022-100): 12 characters of 4 classes, or 14 of 3 classes."""

    def validate(self, password: str, user=None) -> None:
        classes = sum(1 for _, test in _CLASSES if any(test(c) for c in password))
        if len(password) >= 14 and classes >= 3:
            return
        if len(password) >= 12 and classes == 4:
            return
        raise ValidationError(self.get_help_text(), code="password_cnil")

    def get_help_text(self) -> str:
        return (
            "Le mot de passe doit comporter au moins 12 caractères mêlant minuscules, majuscules, chiffres "
            "et caractères spéciaux, ou au moins 14 caractères avec trois de ces quatre types."
        )
