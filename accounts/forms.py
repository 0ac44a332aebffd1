from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts import throttle
from accounts.models import Student


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Identifiant ou adresse électronique",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect. Vérifiez la saisie (majuscules comprises).",
        "inactive": "Ce compte n'est pas actif. Adressez-vous à l'administration de votre établissement.",
        "throttled": (
            "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes "
            "ou utilisez « Mot de passe oublié »."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and throttle.is_locked(username, throttle.client_ip(self.request)):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail goes to the outbox through EMAIL_BACKEND, so the request never waits on SMTP."""

    email = forms.EmailField(
        label="Adresse électronique", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class InviteProfessionalForm(forms.Form):
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")
    students = forms.ModelMultipleChoiceField(
        label="Étudiants suivis",
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, students_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if students_qs is not None:
            self.fields["students"].queryset = students_qs


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError("Les deux mots de passe ne correspondent pas.")
        if p1:
            password_validation.validate_password(p1, self.user)
        return data
