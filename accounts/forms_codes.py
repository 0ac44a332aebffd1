from django import forms

from accounts.forms import NewPasswordForm


class FirstAccessForm(NewPasswordForm):
    """« Première connexion »: the username and the code of the printed slip, and the password chosen now (checked
    against the product's rules by the service, once the code names the account)."""

    username = forms.CharField(
        label="Identifiant",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label="Code de première connexion",
        max_length=30,
        help_text="Les 10 caractères de votre fiche, avec ou sans le tiret.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    field_order = ["username", "code", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "Nouveau mot de passe"
