"""SIECLE « ElevesSansAdresses » files written for the tests, in the structure and encoding SIECLE uses."""

from dataclasses import dataclass, field

UAJ = "0690001A"  # the cast's establishment, « Lycée Jean Moulin »


@dataclass
class Eleve:
    eleve_id: str
    ine: str
    nom: str
    prenom: str
    nom_usage: str = ""
    naissance: str = "12/03/2006"
    statut: str = "ST"
    sortie: str = ""
    divisions: list[str] = field(default_factory=lambda: ["BTS2NDRC"])
    groupes: list[str] = field(default_factory=list)


def _tag(name: str, value: str) -> str:
    return f"<{name}>{value}</{name}>" if value else ""


def siecle_xml(eleves: list[Eleve], uaj: str = UAJ, encoding: str = "ISO-8859-15") -> bytes:
    """The XML of an export listing ``eleves``, encoded as SIECLE does (ISO-8859-15 has « Œ » at 0xBC)."""
    students = "".join(
        f'<ELEVE ELEVE_ID="{e.eleve_id}" ELENOET="{e.eleve_id[-4:]}">'
        f"{_tag('ID_NATIONAL', e.ine)}<NOM_DE_FAMILLE>{e.nom}</NOM_DE_FAMILLE>{_tag('NOM_USAGE', e.nom_usage)}"
        f"<PRENOM>{e.prenom}</PRENOM><DATE_NAISS>{e.naissance}</DATE_NAISS>"
        f"<CODE_REGIME>2</CODE_REGIME><CODE_STATUT>{e.statut}</CODE_STATUT>{_tag('DATE_SORTIE', e.sortie)}"
        "</ELEVE>"
        for e in eleves
    )
    structures = "".join(
        f'<STRUCTURES_ELEVE ELEVE_ID="{e.eleve_id}">'
        + "".join(
            f"<STRUCTURE><CODE_STRUCTURE>{code}</CODE_STRUCTURE><TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE></STRUCTURE>"
            for code, kind in [*((d, "D") for d in e.divisions), *((g, "G") for g in e.groupes)]
        )
        + "</STRUCTURES_ELEVE>"
        for e in eleves
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<BEE_ELEVES VERSION="3.5">'
        f"<PARAMETRES><UAJ>{uaj}</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>"
        "<DATE_EXPORT>01/10/2026</DATE_EXPORT></PARAMETRES>"
        f"<DONNEES><ELEVES>{students}</ELEVES><STRUCTURES>{structures}</STRUCTURES></DONNEES>"
        "</BEE_ELEVES>\n"
    )
    return text.encode(encoding)


def first_file() -> list[Eleve]:
    """A lycée's export: two BTS NDRC 2 divisions, one first-year division, a student who left, a usage name."""
    return [
        Eleve("1001", "070123456AB", "CŒURDEROY", "Maëlys", nom_usage="CŒUR"),
        Eleve("1002", "070123457AC", "LEFÈVRE", "Éloïse", groupes=["ANG-G1"]),
        Eleve("1003", "070123458AD", "N'DIAYE", "Noé", statut="AP"),
        Eleve("1004", "070123459AE", "DURAND", "Jérôme", sortie="15/09/2025"),
        Eleve("1005", "070123460AF", "MARTIN", "Zoé", divisions=["BTS2NDRC-B"]),
        Eleve("1006", "070123461AG", "PETIT", "Hugo", divisions=["BTS1NDRC"]),
    ]
