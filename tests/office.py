"""Open a Word file as a user's office suite would: LibreOffice headless converts it to PDF, pdftotext reads it.

Without LibreOffice (Debian: ``libreoffice-writer-nogui``) these tests are skipped with the reason; on CI (``CI=true``,
where .ci/run installs it) they fail instead, as the browser tests do without Chromium.
"""

import os
import shutil
import subprocess  # noqa: S404 - fixed argument lists, no shell
from pathlib import Path

import pytest
from pypdf import PdfReader

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
TIMEOUT = 180  # a cold first start of LibreOffice on a busy runner


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_office() -> None:
    for tool, package in ((SOFFICE, "libreoffice-writer-nogui"), (PDFTOTEXT, "poppler-utils")):
        if not Path(tool).exists():
            reason = (
                f"{tool} introuvable : installez-le avec `apt-get install {package}` pour tester les fichiers Word."
            )
            if _on_ci():
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)


def docx_to_pdf(content: bytes, workdir: Path) -> bytes:
    """The PDF LibreOffice makes of ``content`` (a private profile: tests never share or touch a user's)."""
    require_office()
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "document.docx"
    source.write_bytes(content)
    profile = (workdir / "lo-profile").as_uri()
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    return (workdir / "document.pdf").read_bytes()


def pdf_pages(content: bytes, workdir: Path) -> int:
    path = workdir / "pages.pdf"
    path.write_bytes(content)
    return len(PdfReader(str(path)).pages)


def pdf_text(content: bytes, workdir: Path) -> str:
    """The text of a PDF, reading order, lines joined by spaces (a rubric wraps differently in each layout)."""
    path = workdir / "text.pdf"
    path.write_bytes(content)
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, timeout=60
    )
    return " ".join(out.stdout.decode("utf-8").split())


def pdf_pages_with_text(content: bytes, workdir: Path) -> int:
    """Pages holding any text (LibreOffice 7.4 ends some official models with an empty page of its own)."""
    path = workdir / "text-pages.pdf"
    path.write_bytes(content)
    reader = PdfReader(str(path))
    return sum(1 for page in reader.pages if (page.extract_text() or "").strip())
