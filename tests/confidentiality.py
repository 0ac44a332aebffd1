"""The grid (recto) is for the jury only: helpers to prove a page, PDF text, email or file name shows none of it.

« Ce document d’aide à l’évaluation est à usage exclusif de la commission d’interrogation, il ne doit pas être
communiqué au candidat. » Every page that renders a certifying grid marks its level cells with the attribute
``data-grid-level`` (and the class ``grid-level``); the official PDF carries the confidentiality sentence and the
legend line of the grid. None of these may reach a student.

Formative positions of the passeport (training data, ``class="level …"``) and the référentiel page's table of
levels are allowed in front of a student: this helper does not look for a bare « TI » or « TS », only for the
markers of a certifying grid.
"""

import re

# The two halves of the sentence, checked separately: the form breaks the line between them, a PDF may too.
CONFIDENTIALITY_PARTS = (
    "à usage exclusif de la commission d’interrogation",
    "il ne doit pas être communiqué au candidat",
)
# The legend line printed under every grid (ANNEXE V–4, VII–2).
GRID_LEGEND = "TI : Très Insuffisant / I : Insuffisant"
# Attribute and class every certifying level cell carries in the grid templates (HTML and PDF).
LEVEL_CELL_MARKERS = ("data-grid-level", "grid-level")
LEVEL_CELL = re.compile(r"""data-grid-level\s*=\s*["']?(TI|I|S|TS)\b""")


def _normalise(text: str) -> str:
    # Straight or typographic apostrophes, no-break spaces, line breaks: all the same for this check.
    text = text.replace("'", "’").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).lower()


def certifying_content(text: str) -> list[str]:
    """What in ``text`` (HTML, PDF text, email body, file name) belongs to a certifying grid; [] when nothing."""
    found = []
    flat = _normalise(text)
    for part in CONFIDENTIALITY_PARTS:
        if _normalise(part) in flat:
            found.append(f"phrase de confidentialité : « {part} »")
    if _normalise(GRID_LEGEND) in flat:
        found.append("légende de la grille d’aide à l’évaluation")
    for match in LEVEL_CELL.finditer(text):
        found.append(f"cellule de niveau de grille : {match.group(0)}")
    for marker in LEVEL_CELL_MARKERS:
        if re.search(rf"""(class\s*=\s*["'][^"']*\b{marker}\b|\b{marker}\s*=)""", text):
            found.append(f"marqueur de grille : {marker}")
    return found


def assert_no_certifying_content(html: str | bytes) -> None:
    """Fail when ``html`` (a page, a PDF's extracted text, an email, a file name) shows anything of a grid."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    found = certifying_content(html)
    assert not found, "Contenu certificatif montré au candidat : " + " ; ".join(found)


def assert_has_certifying_content(html: str | bytes) -> None:
    """The counterpart, for the jury's pages: proves the markers the helper looks for are really there."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    assert certifying_content(html), "Aucun marqueur de grille : l'aide à la confidentialité ne vérifierait rien."
