"""The words of ANNEXE III-2 as the circulaire prints them, to compare the attestation's PDF with.

Each line of the annex in the reference text is cut at the dotted leaders and tick boxes of the paper form (where the
values go); every remaining piece with a letter (or the telephone sign) in it is a label the PDF must carry
verbatim, in the annex's order.
"""

import re
import subprocess  # noqa: S404 - fixed argument list, no shell
from pathlib import Path

from referentiel.loader import DATA_DIR

ANNEX_TEXT = DATA_DIR / "referentiel" / "source" / "circulaire-2025-annexes-E4-E6.txt"
# Dotted leaders, and the tick boxes of « Sexe » (a value place too: the PDF ticks one of them).
LEADERS = re.compile(r"[…]+[.…\s]*|\.{2,}[.…\s]*|□")


def squeeze(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def iii2_labels() -> list[str]:
    lines = Path(ANNEX_TEXT).read_text(encoding="utf-8").splitlines()
    start = lines.index("ANNEXE III-2")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("ANNEXE "))
    labels = []
    for line in lines[start:end]:
        for piece in LEADERS.split(line):
            piece = squeeze(piece).strip(" ./")
            if re.search(r"[^\W_]|☎", piece):
                labels.append(piece)
    return labels


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "attestation.pdf"
    path.write_bytes(content)
    result = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return squeeze(result.stdout.decode("utf-8"))


def missing_labels(text: str) -> list[str]:
    """The labels absent from ``text`` or out of the annex's order (empty when the PDF matches word for word)."""
    missing, position = [], 0
    for label in iii2_labels():
        found = text.find(label, position)
        if found < 0:
            missing.append(label)
        else:
            position = found + len(label)
    return missing
