"""Forms of the official attestation de stage: the student's part and the tutor's check and signature."""

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms

from accounts.models import Student, User
from passeport.forms_activities import DateInput, _check_dates

HOURS_HELP = (
    "Heures de présence effective dans l'organisme. Règle de l'attestation : 7 heures de présence font un jour de "
    "stage, 22 jours un mois ; une semaine compte 5 jours."
)


class TutorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


class _DurationMixin(_FormBase):
    def _check_duration(self, cleaned: dict[str, Any]) -> None:
        _check_dates(self, cleaned)
        start, end, hours = cleaned.get("start_date"), cleaned.get("end_date"), cleaned.get("presence_hours")
        if start and end and hours is not None and end >= start:
            days = (end - start + timedelta(days=1)).days
            if hours > Decimal(days) * 24:
                self.add_error("presence_hours", "Ces heures dépassent la durée entre les deux dates.")


def _hours_field(required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label="Heures de présence",
        required=required,
        max_digits=6,
        decimal_places=1,
        min_value=Decimal(0),
        help_text=HOURS_HELP,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
    )


def _gratification_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="Gratification totale versée (€)",
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=Decimal(0),
        help_text="Montant total perçu pour ce stage ; 0 si aucune gratification.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


class AttestationDraftForm(_DurationMixin, forms.Form):
    host_name = forms.CharField(label="Nom ou dénomination sociale de l'organisme", max_length=200)
    host_sector = forms.CharField(label="Secteur d'activité", max_length=200, required=False)
    host_address = forms.CharField(label="Adresse de l'organisme", max_length=300, required=False)
    host_postal_code = forms.CharField(label="Code postal de l'organisme", max_length=10, required=False)
    host_city = forms.CharField(label="Ville de l'organisme", max_length=100, required=False)
    host_phone = forms.CharField(label="Téléphone de l'organisme", max_length=30, required=False)
    host_email = forms.EmailField(label="Mél de l'organisme", required=False)
    trainee_sex = forms.ChoiceField(label="Sexe", choices=[("", "Non précisé"), ("F", "F"), ("M", "M")], required=False)
    trainee_birth_date = forms.DateField(label="Date de naissance", required=False, widget=DateInput())
    trainee_address = forms.CharField(label="Votre adresse", max_length=300, required=False)
    trainee_postal_code = forms.CharField(label="Votre code postal", max_length=10, required=False)
    trainee_city = forms.CharField(label="Votre ville", max_length=100, required=False)
    trainee_phone = forms.CharField(label="Votre téléphone", max_length=30, required=False)
    trainee_email = forms.EmailField(label="Votre mél", required=False)
    activities = forms.CharField(
        label="Activités réalisées pendant le stage", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    start_date = forms.DateField(label="Date de début du stage", widget=DateInput())
    end_date = forms.DateField(label="Date de fin du stage", widget=DateInput())
    presence_hours = _hours_field(required=False)
    gratification = _gratification_field()
    tutor_user = TutorChoiceField(
        label="Tuteur ayant un compte",
        queryset=User.objects.none(),
        required=False,
        empty_label="Aucun : le tuteur n'a pas de compte",
    )
    tutor_email = forms.EmailField(
        label="Adresse électronique du tuteur (sans compte)",
        required=False,
        help_text="Le tuteur reçoit un lien à usage unique pour vérifier et signer l'attestation.",
    )

    def __init__(self, *args: Any, student: Student, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.student = student
        cast(forms.ModelChoiceField, self.fields["tutor_user"]).queryset = student.professionals.filter(
            is_active=True
        ).order_by("last_name")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._check_duration(cleaned)
        email = (cleaned.get("tutor_email") or "").strip().lower()
        own = (self.student.user.email or "").strip().lower()
        if email and (email == own or email == (cleaned.get("trainee_email") or "").strip().lower()):
            self.add_error(
                "tutor_email",
                "Cette adresse est la vôtre : l'attestation doit être signée par le tuteur de l'organisme d'accueil.",
            )
        if cleaned.get("tutor_user") and email:
            self.add_error("tutor_email", "Choisissez un tuteur avec compte ou une adresse électronique, pas les deux.")
        return cleaned


class TutorSignForm(_DurationMixin, forms.Form):
    start_date = forms.DateField(label="Date de début du stage", widget=DateInput())
    end_date = forms.DateField(label="Date de fin du stage", widget=DateInput())
    activities = forms.CharField(label="Activités de l'étudiant·e", widget=forms.Textarea(attrs={"rows": 4}))
    presence_hours = _hours_field(required=True)
    gratification = _gratification_field()
    signer_name = forms.CharField(label="Vos nom et prénom", max_length=200)
    signer_function = forms.CharField(label="Votre fonction dans l'organisme", max_length=200)
    signed_place = forms.CharField(label="Fait à", max_length=100)
    confirm = forms.BooleanField(
        label=(
            "Je certifie exactes les informations de cette attestation et je la signe au nom de l'organisme d'accueil."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._check_duration(cleaned)
        return cleaned


class AccountSignForm(TutorSignForm):
    password = forms.CharField(
        label="Votre mot de passe",
        strip=False,
        help_text="Saisissez à nouveau votre mot de passe pour signer.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect : l'attestation n'est pas signée.")
        return password
