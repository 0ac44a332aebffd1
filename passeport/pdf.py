"""The official PDF of a fiche (ANNEXE V–1 / VII–1) and the « does it fit its pages? » check.

The check lays the fiche out with the very stylesheet of the PDF and reads, from WeasyPrint's boxes, on which page
each rubric's text lands: what the student is told is exactly what the PDF will show.
"""

import hashlib
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import weasyprint
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.template.loader import select_template
from django.utils.text import slugify
from weasyprint import Document
from weasyprint.formatting_structure.boxes import ParentBox, TextBox

from lib import glyphs, pdf
from passeport.models import Fiche, FicheVerso
from passeport.rubrics import Rubric, fiche_definition
from referentiel.exams import fiche_rules
from referentiel.models import FicheKind

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "fiche-print.css"
# Rubrics placed by hand in the E4 templates (the others follow the form's order).
E4_CADRE = ("organisation", "adresse", "type_structure", "offre_commerciale", "types_clients", "methodes_vente")
E4_ANALYSE = ("historique", "acteurs", "objectifs_operationnels")
E4_DEROULEMENT = ("resultats", "difficultes")
E4_CIBLAGE_BEFORE = ("demarche", "objectifs_fixes")


@dataclass(frozen=True)
class Cell:
    """One rubric as printed: official label and the student's text."""

    code: str
    label: str
    part: str
    text: str
    note: str = ""
    group: str = ""


@dataclass(frozen=True)
class RubricRef:
    code: str
    label: str
    part: str  # "recto" or "verso"
    length: int = 0
    verso_order: int | None = None

    @property
    def anchor(self) -> str:
        """The id of the rubric's block in the fiche editor (a verso after the first gets its order)."""
        if self.part == "verso" and self.verso_order and self.verso_order > 1:
            return f"rubric-{self.code}-{self.verso_order}"
        return f"rubric-{self.code}"


@dataclass(frozen=True)
class Layout:
    exam_code: str
    page_count: int
    pages_allowed: int
    exact_pages: bool  # the fiche takes exactly ``pages_allowed`` pages (E4: the recto page, then the verso page)
    fits: bool
    empty_rubrics: tuple[RubricRef, ...]
    # Rubrics whose text lands beyond the page it must be on.
    overflowing: tuple[RubricRef, ...]
    # The longest rubric(s) of the part that runs over: where cutting pays most.
    to_shorten: tuple[RubricRef, ...]
    # Rubrics holding characters no installed font can draw (they would print as empty boxes), with those characters.
    undrawable: tuple[tuple[RubricRef, tuple[str, ...]], ...] = ()

    @property
    def also_spilling(self) -> tuple[RubricRef, ...]:
        """Overflowing rubrics not already named among those to shorten."""
        return tuple(ref for ref in self.overflowing if ref not in self.to_shorten)


def _clean(text) -> str:
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _cells(rubrics: tuple[Rubric, ...], content: dict) -> dict[str, Cell]:
    return {r.code: Cell(r.code, r.label, r.part, _clean(content.get(r.code)), r.note, r.group) for r in rubrics}


def chosen_verso(fiche: Fiche, verso: FicheVerso | None = None) -> FicheVerso | None:
    """The verso printed with the recto: ``verso``, or the first one when the form has a verso."""
    if verso is not None or not fiche_definition(fiche.forms_session, fiche.exam.code).has_verso:
        return verso
    return fiche.versos.order_by("order").first()


def _kinds(fiche: Fiche) -> list[dict]:
    kinds = FicheKind.objects.filter(exam_id=fiche.exam_id).order_by("order")
    return [{"label": kind.label, "checked": kind.pk == fiche.kind_id} for kind in kinds]


def fiche_context(fiche: Fiche, verso: FicheVerso | None = None) -> dict:
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    r = _cells(form.part("recto"), fiche.recto or {})
    v = _cells(form.part("verso"), (verso.content if verso else None) or {})
    return {
        "fiche": fiche,
        "form": form,
        "student": fiche.student,
        "session_year": fiche.student.cohort.exam_session.year,
        "kinds": _kinds(fiche),
        "r": r,
        "v": v,
        "recto_sections": [title for title, _ in form.sections("recto")],
        "verso_sections": [title for title, _ in form.sections("verso")],
        "sections": [(title, [r[x.code] for x in rubrics]) for title, rubrics in form.sections("recto")],
        "cadre": [r[code] for code in E4_CADRE if code in r],
        "analyse": [r[code] for code in E4_ANALYSE if code in r],
        "deroulement": [r[code] for code in E4_DEROULEMENT if code in r],
        "ciblage_before": [v[code] for code in E4_CIBLAGE_BEFORE if code in v],
    }


def fiche_html(fiche: Fiche, verso: FicheVerso | None = None) -> str:
    """The fiche as official-form HTML; a later circulaire may bring its own template (``fiche_e4_2027.html``)."""
    verso = chosen_verso(fiche, verso)
    exam = fiche.exam.code.lower()
    template = select_template(
        [f"passeport/pdf/fiche_{exam}_{fiche.forms_session}.html", f"passeport/pdf/fiche_{exam}.html"]
    )
    return template.render(fiche_context(fiche, verso))


def _layout_document(html: str) -> Document:
    return pdf.layout(html, stylesheets=[STYLESHEET], base_url=STATIC_DIR)


def _text_pages(document) -> tuple[dict[tuple[str, str], set[int]], int | None]:
    """``{(part, rubric code): page indexes holding its text}`` and the index of the page where the verso starts."""
    pages: dict[tuple[str, str], set[int]] = defaultdict(set)
    verso_start = None
    for index, page in enumerate(document.pages):
        stack = [(page._page_box, "", "")]
        while stack:
            box, part, code = stack.pop()
            element = getattr(box, "element", None)
            if element is not None:
                part = element.get("data-part", part)
                code = element.get("data-rubric", code)
            if isinstance(box, TextBox):
                if part == "verso" and verso_start is None:
                    verso_start = index
                if code and box.text.strip():
                    pages[(part, code)].add(index)
            elif isinstance(box, ParentBox):
                stack.extend((child, part, code) for child in box.children)
    return pages, verso_start


def _ref(rubric: Rubric, content: dict, verso: FicheVerso | None) -> RubricRef:
    order = verso.order if verso is not None and rubric.part == "verso" else None
    return RubricRef(rubric.code, rubric.label, rubric.part, len(_clean(content.get(rubric.code))), order)


def _longest(refs: list[RubricRef]) -> tuple[RubricRef, ...]:
    """The longest rubrics that together hold at least half the part's text (at most three)."""
    total = sum(ref.length for ref in refs)
    chosen: list[RubricRef] = []
    for ref in sorted(refs, key=lambda ref: -ref.length):
        if ref.length == 0 or len(chosen) == 3 or (chosen and sum(c.length for c in chosen) * 2 >= total):
            break
        chosen.append(ref)
    return tuple(chosen)


def _analyse(fiche: Fiche, verso: FicheVerso | None, document) -> Layout:
    form = fiche_definition(fiche.forms_session, fiche.exam.code)
    contents = {"recto": fiche.recto or {}, "verso": (verso.content if verso else None) or {}}
    refs = {part: [_ref(r, contents[part], verso) for r in form.part(part)] for part in ("recto", "verso")}
    pages, verso_start = _text_pages(document)
    rules = fiche_rules(fiche.exam)
    allowed = rules.pages
    if form.has_verso:
        # The recto must hold on the first page, the verso on the page where it starts.
        last_page = {"recto": 0, "verso": verso_start if verso_start is not None else 1}
    else:
        last_page = {"recto": allowed - 1}
    fits = len(document.pages) == allowed if rules.exact_pages else len(document.pages) <= allowed
    overflowing = tuple(
        ref for part, last in last_page.items() for ref in refs[part] if max(pages.get((part, ref.code), {0})) > last
    )
    undrawable = tuple(
        (ref, tuple(glyphs.describe(char) for char in missing))
        for part in last_page
        for ref in refs[part]
        if (missing := glyphs.undrawable(_clean(contents[part].get(ref.code))))
    )
    to_shorten: tuple[RubricRef, ...] = ()
    for part in last_page:
        if any(ref.part == part for ref in overflowing):
            to_shorten += _longest(refs[part])
    return Layout(
        exam_code=fiche.exam.code,
        page_count=len(document.pages),
        pages_allowed=allowed,
        exact_pages=rules.exact_pages,
        fits=fits,
        empty_rubrics=tuple(ref for part in last_page for ref in refs[part] if ref.length == 0),
        overflowing=overflowing,
        to_shorten=to_shorten,
        undrawable=undrawable,
    )


# --- One layout, two uses, both cached by content ------------------------------------------------------------
# A fiche's PDF and its check depend only on its HTML (the template renders every field printed) and on what lays it
# out (the print stylesheet, WeasyPrint). Both are kept in the shared "pdf" cache (settings.CACHES) under a hash of
# those: an unchanged fiche costs its template and one cache read, an edited one misses by construction.
# The check runs after every save in the editor and needs no PDF: its document is kept a moment in this process, so
# the « PDF » click that often follows writes it instead of laying the fiche out again.
# Part of every key: bump it when ``Layout`` changes shape, so no process reads an entry pickled by an older one.
KEY_VERSION = 1
_DOCUMENTS: OrderedDict[str, Document] = OrderedDict()
_DOCUMENTS_SIZE = 2
_DOCUMENTS_LOCK = threading.Lock()


def pdf_cache() -> BaseCache:
    return caches["pdf"]


@cache
def _style_digest(mtime_ns: int) -> str:
    return hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:16]


def _content_key(html: str, verso: FicheVerso | None) -> str:
    """The hash of everything the PDF is made of: stylesheet, WeasyPrint's version, verso order, HTML."""
    style = _style_digest(STYLESHEET.stat().st_mtime_ns)
    order = verso.order if verso is not None else 0
    return hashlib.sha256(f"{KEY_VERSION}:{style}:{weasyprint.__version__}:{order}:{html}".encode()).hexdigest()


def _keep_document(key: str, document: Document) -> None:
    with _DOCUMENTS_LOCK:
        _DOCUMENTS[key] = document
        while len(_DOCUMENTS) > _DOCUMENTS_SIZE:
            _DOCUMENTS.popitem(last=False)


def _take_document(key: str) -> Document | None:
    """A document laid out by a recent check, taken out so that one thread alone writes it."""
    with _DOCUMENTS_LOCK:
        return _DOCUMENTS.pop(key, None)


def analyse_fiche_layout(fiche: Fiche, verso: FicheVerso | None = None) -> Layout:
    """Lay the fiche out once and tell how many pages it takes, which rubrics run over and which are empty."""
    verso = chosen_verso(fiche, verso)
    html = fiche_html(fiche, verso)
    key = _content_key(html, verso)
    result = pdf_cache().get(f"layout:{key}")
    if result is None:
        document = _layout_document(html)
        result = _analyse(fiche, verso, document)
        pdf_cache().set(f"layout:{key}", result)
        _keep_document(key, document)
    return result


def render_fiche_pdf(fiche: Fiche, verso: FicheVerso | None = None) -> bytes:
    """E4: the recto page and the chosen verso page (default: the first); E6: the fiche.

    A miss lays the fiche out once and stores both the PDF and the check's result, so the editor's next check of the
    same text is a cache hit too.
    """
    verso = chosen_verso(fiche, verso)
    html = fiche_html(fiche, verso)
    key = _content_key(html, verso)
    content = pdf_cache().get(f"pdf:{key}")
    if content is not None:
        return content
    document = _take_document(key)
    if document is None:
        document = _layout_document(html)
        pdf_cache().set(f"layout:{key}", _analyse(fiche, verso, document))
    content = pdf.write_pdf(document)
    pdf_cache().set(f"pdf:{key}", content)
    return content


def pdf_filename(fiche: Fiche, verso: FicheVerso | None = None) -> str:
    """``fiche-E4-n1-nom-prenom.pdf``, ASCII only."""
    user = fiche.student.user
    parts = [f"fiche-{slugify(fiche.exam.code).upper()}", f"n{fiche.number}", slugify(user.last_name)]
    parts.append(slugify(user.first_name))
    if verso is not None and verso.order != 1:
        parts.append(f"verso{verso.order}")
    return "-".join(part for part in parts if part) + ".pdf"
