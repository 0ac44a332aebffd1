"""Reading SIECLE's « ElevesSansAdresses » export (XML, root ``BEE_ELEVES``, ISO-8859-15), the list French public
lycées extract from the national student database.

What is read: the establishment's code (``PARAMETRES/UAJ``); each ``DONNEES/ELEVES/ELEVE[@ELEVE_ID]`` with its INE
(``ID_NATIONAL``), ``NOM_DE_FAMILLE``, ``NOM_USAGE``, ``PRENOM``, ``DATE_NAISS``, ``CODE_STATUT`` and, for a
student who left, ``DATE_SORTIE``; and the divisions of each student, ``DONNEES/STRUCTURES/STRUCTURES_ELEVE
[@ELEVE_ID]/STRUCTURE`` whose ``TYPE_STRUCTURE`` is ``D`` (``G`` is a teaching group, not a class). Such files
carry no address at all: the students are created without one.

The XML comes from outside: it is parsed with defusedxml, which refuses any DTD, entity declaration or external
reference (a SIECLE file has none; that is how « billion laughs » and external-entity attacks are built), and the
file is capped in size and in number of students before anything is built from it.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from accounts.imports import ImportFileError, RawRow

MAX_BYTES = 8 * 1024 * 1024  # a whole lycée (2,000 students, options and divisions) is about 3 MB
MAX_STUDENTS = 5000
DIVISION = "D"

# SIECLE's « statut » of a student: ST scolaire, AP apprenti. Anything else follows the class's route.
STATUTS = {"ST": "scolaire", "AP": "apprenti"}

_SNIFF = re.compile(rb"<\s*BEE_ELEVES[\s>]")


@dataclass
class SiecleStudent:
    siecle_id: str
    ine: str
    family_name: str
    usage_name: str
    first_name: str
    birth_date: str  # as written, dd/mm/yyyy
    statut: str
    left_on: str = ""  # ISO date, empty while the student is there
    divisions: list[str] = field(default_factory=list)

    @property
    def last_name(self) -> str:
        """The name in use: the « nom d'usage » when SIECLE has one, else the « nom de famille »."""
        return self.usage_name or self.family_name

    @property
    def left_on_french(self) -> str:
        return french_date(self.left_on)

    def has_left(self, today: date) -> bool:
        return bool(self.left_on) and date.fromisoformat(self.left_on) <= today


@dataclass
class SiecleFile:
    uaj: str
    students: list[SiecleStudent]

    def as_payload(self) -> dict[str, Any]:
        return {"uaj": self.uaj, "students": [asdict(s) for s in self.students]}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "SiecleFile":
        return cls(payload["uaj"], [SiecleStudent(**s) for s in payload["students"]])

    def divisions(self) -> dict[str, int]:
        """Each division of the file with its number of students, sorted by code."""
        counts: dict[str, int] = {}
        for student in self.students:
            for code in student.divisions:
                counts[code] = counts.get(code, 0) + 1
        return dict(sorted(counts.items()))


def looks_like_siecle(data: bytes) -> bool:
    """A SIECLE export names its root element in its first lines, whatever the declared encoding."""
    return bool(_SNIFF.search(data[:4096]))


def parse_siecle(name: str, data: bytes) -> SiecleFile:
    """Read a SIECLE « ElevesSansAdresses » file, or raise ``ImportFileError`` with a French message."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"Le fichier « {name} » dépasse la taille maximale d'un export SIECLE ({MAX_BYTES // (1024 * 1024)} Mo)."
        )
    try:
        # The XML declaration gives the encoding (ISO-8859-15 for SIECLE); expat decodes it, « Œ » included.
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileError(
            f"Le fichier « {name} » contient des déclarations XML (DTD ou entités) qu'un export SIECLE ne contient "
            "jamais : il a été refusé par sécurité. Exportez à nouveau la liste depuis SIECLE."
        ) from None
    except (ParseError, ValueError, LookupError):
        raise ImportFileError(
            f"Le fichier « {name} » n'est pas un XML lisible (fichier tronqué ou modifié). "
            "Exportez à nouveau « ElevesSansAdresses » depuis SIECLE."
        ) from None
    if root.tag != "BEE_ELEVES":
        raise ImportFileError(f"Le fichier « {name} » n'est pas un export SIECLE des élèves (« ElevesSansAdresses »).")
    students = _students(name, root)
    _add_divisions(root, {s.siecle_id: s for s in students})
    return SiecleFile(_text(root.find("PARAMETRES/UAJ")).upper(), students)


def _students(name: str, root: Element) -> list[SiecleStudent]:
    elements = root.findall("DONNEES/ELEVES/ELEVE")
    if len(elements) > MAX_STUDENTS:
        raise ImportFileError(
            f"Le fichier « {name} » liste plus de {MAX_STUDENTS} élèves : ce n'est pas l'export d'un seul lycée."
        )
    students = []
    for element in elements:
        siecle_id = element.get("ELEVE_ID", "").strip()
        if not siecle_id:
            continue
        students.append(
            SiecleStudent(
                siecle_id=siecle_id,
                ine=_text(element.find("ID_NATIONAL")).upper(),
                family_name=_text(element.find("NOM_DE_FAMILLE")) or _text(element.find("NOM")),
                usage_name=_text(element.find("NOM_USAGE")),
                first_name=_text(element.find("PRENOM")),
                birth_date=_text(element.find("DATE_NAISS")),
                statut=_text(element.find("CODE_STATUT")).upper(),
                left_on=_iso(_text(element.find("DATE_SORTIE"))),
            )
        )
    return students


def _add_divisions(root: Element, by_id: dict[str, SiecleStudent]) -> None:
    for group in root.findall("DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        student = by_id.get(group.get("ELEVE_ID", "").strip())
        if student is None:
            continue
        for structure in group.findall("STRUCTURE"):
            code = _text(structure.find("CODE_STRUCTURE"))
            if code and _text(structure.find("TYPE_STRUCTURE")).upper() == DIVISION and code not in student.divisions:
                student.divisions.append(code)


def _text(element: Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.replace("\xa0", " ").split())


def _iso(value: str) -> str:
    """« 15/01/2027 » → « 2027-01-15 »; anything unreadable → "" (the student is then taken as present)."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not match:
        return ""
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def french_date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


@dataclass
class Selection:
    """What a SIECLE file means for a class made of ``divisions``: the rows to import, and who left or moved."""

    rows: list[RawRow]
    departures: dict[str, str]  # SIECLE id and INE → why the student is no longer in the class
    left: list[SiecleStudent]  # students of the divisions who left before today: not imported


def select(siecle_file: SiecleFile, divisions: list[str], today: date) -> Selection:
    wanted = set(divisions)
    rows, departures, left = [], {}, []
    for rank, student in enumerate(siecle_file.students, start=1):
        inside = bool(wanted.intersection(student.divisions))
        if student.has_left(today):
            reason = f"sorti·e de l'établissement le {french_date(student.left_on)} selon SIECLE"
            if inside:
                left.append(student)
        elif not inside:
            where = ", ".join(student.divisions) or "aucune division"
            reason = f"inscrit·e en {where} selon le nouveau fichier SIECLE"
        else:
            rows.append(_row(rank, student))
            continue
        for key in (student.siecle_id, student.ine):
            if key:
                departures[key] = reason
    return Selection(rows, departures, left)


def _row(rank: int, student: SiecleStudent) -> RawRow:
    birth_name = student.family_name if student.usage_name and student.usage_name != student.family_name else ""
    return RawRow(
        line=rank,
        last_name=student.last_name,
        first_name=student.first_name,
        route=STATUTS.get(student.statut, ""),
        ine=student.ine,
        birth_name=birth_name,
        siecle_id=student.siecle_id,
    )
