"""Forms of the actions on one convocation whose email did not arrive."""

from django import forms


class ResendConvocationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Corrigez l'adresse si elle était fausse : elle remplace celle du compte de l'étudiant·e.",
        error_messages={"required": "Indiquez l'adresse à laquelle renvoyer la convocation."},
    )
