"""The fiche descriptive (ANNEXE V–1 / VII–1) as a Word file on the national model, filled with the student's text.

Same content as the official PDF (``passeport.pdf``: the recto and the chosen verso, the kind and « réelle vécue »
boxes, the identity row), written into the circulaire's own Word form (``referentiel.word_forms``).
"""

from django.utils.text import slugify

from passeport.models import Fiche, FicheVerso
from passeport.pdf import _kinds, chosen_verso
from referentiel import word_forms

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _box(checked: bool) -> str:
    return word_forms.BOX_CHECKED if checked else word_forms.BOX_EMPTY


def fiche_docx_context(fiche: Fiche, verso: FicheVerso | None = None) -> dict:
    texts = {**(fiche.recto or {}), **((verso.content if verso else None) or {})}
    t = {code: word_forms.text(value) for code, value in texts.items()}
    user = fiche.student.user
    boxes = {f"kind_{index}": _box(kind["checked"]) for index, kind in enumerate(_kinds(fiche))}
    boxes |= {"real_yes": _box(fiche.real_lived is True), "real_no": _box(fiche.real_lived is False)}
    return {
        **t,  # a rubric written after its label in the same cell (« Date(s) : », « Lieu de l'activité : »)
        "t": t,
        "box": boxes,
        "year": fiche.student.cohort.exam_session.year,
        "number": fiche.number,
        "title": fiche.title,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "candidate_number": fiche.student.candidate_number,
    }


def render_fiche_docx(fiche: Fiche, verso: FicheVerso | None = None) -> bytes:
    verso = chosen_verso(fiche, verso)
    return word_forms.render("fiche", fiche.exam.code, fiche.forms_session, fiche_docx_context(fiche, verso))


def docx_filename(fiche: Fiche, verso: FicheVerso | None = None) -> str:
    """``fiche-E4-n1-nom-prenom.docx``, ASCII only."""
    user = fiche.student.user
    parts = [f"fiche-{slugify(fiche.exam.code).upper()}", f"n{fiche.number}", slugify(user.last_name)]
    parts.append(slugify(user.first_name))
    if verso is not None and verso.order != 1:
        parts.append(f"verso{verso.order}")
    return "-".join(part for part in parts if part) + ".docx"
