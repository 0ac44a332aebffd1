"""The official Word forms (fiche descriptive, grille d'aide à l'évaluation) as .docx templates, and their filling.

Académies and teams ask for the national Word model, not a look-alike: the templates are the annex pages of the
circulaire's own .docx, cut out by ``build_templates`` (``manage.py build_word_forms``) with python-docx and given
docxtpl placeholders where data/forms/word-<session>.yaml says. Filling is docxtpl's (Jinja over the document's XML,
every value escaped, line breaks kept through ``Listing``): no OOXML is written by hand at request time.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path
from typing import Any

from django.utils.text import slugify
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate, Listing

from referentiel.official_forms import FORMS_DIR, official_form

WORD_DIR = FORMS_DIR / "word"
# Wingdings: the form's empty circle, and a filled one (both drawn by LibreOffice's OpenSymbol too).
BOX_EMPTY = "F0A1"
BOX_CHECKED = "F06C"
DOTS = "…"
CRITERION_LINE = re.compile(r"^\s*(\d+)\s*[–-]")
# Relationships of the whole annex file that the cut-out pages no longer use (pictures of other annexes).
_DROPPABLE = ("/image", "/hyperlink", "/chart", "/oleObject", "/package", "/diagramData")


def template_path(form: str, exam_code: str, forms_session: int) -> Path:
    return WORD_DIR / f"{form}-{exam_code}-{forms_session}.docx"


def tick_key(competency_title: str, number: int, level_code: str) -> str:
    """The placeholder key of one (compétence, critère, level) cell of a grid, e.g. ``cibler-et-prospecter-…_1_TI``."""
    return f"{slugify(competency_title).replace('-', '_')}_{number}_{slugify(level_code).upper()}"


def text(value: Any) -> Listing:
    """A value as docxtpl writes it: escaped, its line breaks kept."""
    return Listing(str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip())


def render(form: str, exam_code: str, forms_session: int, context: dict[str, Any]) -> bytes:
    template = DocxTemplate(template_path(form, exam_code, forms_session))
    template.render(context, autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


# --- Building the templates from the circulaire's Word file (a developer's step; its output is committed) ---------


def build_templates(source: Path, forms_session: int) -> list[Path]:
    spec = official_form("word", forms_session)
    WORD_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for form, key in (("fiche", "fiches"), ("grid", "grids")):
        for exam_code, form_spec in spec[key].items():
            document = _cut(Document(str(source)), form_spec["from"], form_spec["to"])
            tables = [Table(t, document) for t in document.element.body.iterchildren(qn("w:tbl"))]
            for table, cells in zip(tables, form_spec.get("tables", []), strict=False):
                for cell_spec in cells:
                    _place(table, cell_spec)
            if key == "grids":
                for table in tables:
                    _place_ticks(table)
            for paragraph_spec in form_spec.get("paragraphs", []):
                _place_paragraph(document, paragraph_spec)
            path = template_path(form, exam_code, forms_session)
            document.save(str(path))
            written.append(path)
    return written


def _tag(name: str) -> str:
    return "{{ " + name + " }}"


def _text_of(element) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def _cut(document: DocumentObject, start: str, end: str) -> DocumentObject:
    """Keep the body from the paragraph starting with ``start`` up to the one starting with ``end`` (excluded),
    without a trailing page break, with the page setup of the section they belong to."""
    body = document.element.body
    children = [child for child in body.iterchildren() if child.tag != qn("w:sectPr")]
    texts = [_text_of(child).strip() for child in children]
    first = next(i for i, t in enumerate(texts) if t.startswith(start))
    last = next(i for i, t in enumerate(texts) if i > first and t.startswith(end))
    kept = children[first:last]
    while kept and not _text_of(kept[-1]).strip() and kept[-1].tag == qn("w:p"):
        kept.pop()  # the blank paragraph holding the page break before the next annex
    section = next((s for child in children[first:] for s in child.iter(qn("w:sectPr"))), body.find(qn("w:sectPr")))
    section = copy.deepcopy(section)
    # Without header or footer references: the circulaire's running footer (« Annexes de la circulaire… », its page
    # numbers) belongs to the circulaire, not to the form a team fills in.
    for child in list(body.iterchildren()):
        if child not in kept:
            body.remove(child)
    for element in kept:  # a section break inside the cut-out pages would add a blank page
        for inner in list(element.iter(qn("w:sectPr"))):
            inner.getparent().remove(inner)
    body.append(section)
    _drop_unused_parts(document)
    return document


def _drop_unused_parts(document: DocumentObject) -> None:
    xml = document.element.xml
    used = set(re.findall(r'r:(?:id|embed|link|pict)="([^"]+)"', xml))
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith(_DROPPABLE) and rel_id not in used:
            del part.rels[rel_id]


def _unique_cells(table: Table, row: int) -> dict[int, Any]:
    """``{grid column: cell}`` of a row, a merged cell once at its first column."""
    cells: dict[int, Any] = {}
    seen: set[int] = set()
    for col, cell in enumerate(table.rows[row].cells):
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells[col] = cell
    return cells


def _plain_run(paragraph_element, like=None):
    """A new run formatted like ``like`` (a run) or like the paragraph mark, in plain letters."""
    run = paragraph_element.makeelement(qn("w:r"), {})
    source = like.find(qn("w:rPr")) if like is not None else None
    if source is None:
        ppr = paragraph_element.find(qn("w:pPr"))
        source = ppr.find(qn("w:rPr")) if ppr is not None else None
    if source is not None:
        rpr = copy.deepcopy(source)
        # The form's blank lines may carry struck-through, underlined or bold marks: the student's text is plain.
        for tag in ("w:b", "w:bCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike", "w:u", "w:vanish"):
            for node in rpr.findall(qn(tag)):
                rpr.remove(node)
        run.append(rpr)
    return run


def _add_text_run(paragraph_element, value: str, like=None) -> None:
    run = _plain_run(paragraph_element, like)
    node = run.makeelement(qn("w:t"), {})
    node.text = value
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(node)
    paragraph_element.append(run)


def _place(table: Table, spec: dict[str, Any]) -> None:
    cell = table.cell(spec["row"], spec["col"])
    paragraphs = cell._tc.findall(qn("w:p"))
    if "rubric" in spec:
        for extra in paragraphs[1:]:  # the form's blank writing lines: the text takes their place
            cell._tc.remove(extra)
        first = paragraphs[0]
        for run in first.findall(qn("w:r")):
            first.remove(run)
        _add_text_run(first, _tag("t." + spec["rubric"]))
    elif "append" in spec:
        target = next((p for p in paragraphs if _text_of(p).strip()), paragraphs[0])
        runs = target.findall(qn("w:r"))
        _add_text_run(target, " " + _tag(spec["append"]), runs[-1] if runs else None)
    else:
        symbols = [s for s in cell._tc.iter(qn("w:sym"))]
        for symbol, name in zip(symbols, spec["boxes"], strict=True):
            symbol.set(qn("w:char"), _tag("box." + name))


def _place_ticks(table: Table) -> None:
    """Each critère line's level cells get ``{{ tick.<key> }}``; each compétence heading ``{{ na.<key> }}``."""
    headings: dict[int, str] = {}  # first grid column of a group → the compétence heading above it
    levels: dict[int, list[str]] = {}  # first grid column of a group → level codes of its columns
    done: set = set()  # cell elements (kept alive here, so that lxml hands back the same objects)
    for row in range(len(table.rows)):
        cells = _unique_cells(table, row)
        columns = sorted(cells)
        for index, col in enumerate(columns):
            cell = cells[col]
            content = cell.text.strip()
            if cell._tc in done or not content:
                continue
            following = [cells[c].text.strip() for c in columns[index + 1 : index + 5]]
            if content.upper().startswith("CRIT"):
                levels[col] = following
                done.update(cells[c]._tc for c in columns[index + 1 : index + 5])
            elif (match := CRITERION_LINE.match(content)) and col in headings and col in levels:
                for code, level_col in zip(levels[col], columns[index + 1 : index + 5], strict=True):
                    done.add(cells[level_col]._tc)
                    target = cells[level_col]._tc.findall(qn("w:p"))[0]
                    _add_text_run(target, _tag("tick." + tick_key(headings[col], int(match.group(1)), code)))
            elif not CRITERION_LINE.match(content) and len(following) < 4:
                headings[col] = content
                paragraph = next(p for p in cell._tc.findall(qn("w:p")) if _text_of(p).strip())
                runs = paragraph.findall(qn("w:r"))
                _add_text_run(paragraph, _tag("na." + tick_key(content, 0, "na")), runs[-1] if runs else None)
            done.add(cell._tc)


def _place_paragraph(document: DocumentObject, spec: dict[str, Any]) -> None:
    paragraph = next(  # in the body or in a table cell (the fiche's heading row holds « Session 2025 »)
        paragraph
        for element in document.element.body.iter(qn("w:p"))
        if (paragraph := Paragraph(element, document)).text.strip().startswith(spec["starts"])
    )
    if "append" in spec:
        runs = paragraph._p.findall(qn("w:r"))
        _add_text_run(paragraph._p, " " + _tag(spec["append"]), runs[-1] if runs else None)
    elif "replace" in spec:
        for run in paragraph.runs:
            for old, name in spec["replace"].items():
                if old in run.text:
                    run.text = run.text.replace(old, _tag(name))
    else:
        _fill_leaders(paragraph, spec["fill"])


def _fill_leaders(paragraph: Paragraph, names: list[str]) -> None:
    """Each group of dotted runs becomes the next value; the other dotted runs of the group are emptied."""
    remaining = list(names)
    in_group = False
    for run in paragraph.runs:
        dotted = DOTS in run.text and not run.text.replace(DOTS, "").replace(".", "").strip()
        if dotted and not in_group and remaining:
            run.text = _tag(remaining.pop(0)) + ("  " if run.text.endswith(" ") else "")
            in_group = True
        elif dotted and in_group:
            run.text = ""
        elif run.text.strip():
            in_group = False
