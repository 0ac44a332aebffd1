from django import forms

from harmonisation.models import AnswerKind


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(label="Motif de la demande", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label="Réponse", choices=AnswerKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Justification ou motif de la réouverture", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
