"""The jury member's notes on a passage: plain form, posted normally or by the autosave script."""

from django import forms

from certification.evaluation.services.jury_notes import MAX_NOTE_LENGTH


class PassageNoteForm(forms.Form):
    text = forms.CharField(
        label="Mes notes sur le passage",
        required=False,
        strip=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12, "class": "jury-notes-text"}),
        help_text="Visibles de vous seul·e, jamais communiquées au candidat. Enregistrées automatiquement.",
        error_messages={"max_length": f"Les notes sont limitées à {MAX_NOTE_LENGTH} caractères."},
    )
    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Version des notes manquante : rechargez la page.",
            "invalid": "Version des notes illisible : rechargez la page.",
            "min_value": "Version des notes illisible : rechargez la page.",
        },
    )


# --- lifecycle -------------------------------------------------------------------------------------------------------
