"""HTML → PDF with WeasyPrint, knowing nothing of the domain.

The font configuration and parsed stylesheets are built once per process: parsing CSS and asking fontconfig for
fonts costs more than laying out a two-page form. Only local files are ever fetched (system fonts, stylesheets
and images under the given roots): a document never reaches the network, whatever its HTML says.
"""

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.core.cache import caches
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


class ForbiddenResource(ValueError):
    """A document asked for something outside the allowed local folders: WeasyPrint logs it and goes on."""


@cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _stylesheet(path: str, mtime_ns: int) -> CSS:
    # mtime in the key: an edited stylesheet is parsed again, an unchanged one never.
    return CSS(filename=path, font_config=font_config())


def stylesheet(path: str | Path) -> CSS:
    """The parsed stylesheet at ``path``, cached for the life of the process."""
    path = Path(path).resolve()
    return _stylesheet(str(path), path.stat().st_mtime_ns)


class LocalURLFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and refuses anything else, the network first of all."""

    def __init__(self, roots: Sequence[str | Path]):
        super().__init__(allowed_protocols=("file",))
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url: str, headers=None):
        parts = urlsplit(url)
        target = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if target is None or not any(target.is_relative_to(root) for root in self.roots):
            raise ForbiddenResource(f"Ressource refusée dans un PDF : {url[:200]}")
        return super().fetch(url, headers)


def layout(html: str, *, stylesheets: Sequence[str | Path] = (), base_url: str | Path | None = None) -> Document:
    """Lay the HTML out into pages (``document.pages``) without writing any PDF yet."""
    base = Path(base_url).resolve() if base_url else None
    document = HTML(
        string=html,
        base_url=base.as_uri() + "/" if base else None,
        url_fetcher=LocalURLFetcher([base] if base else []),
    )
    return document.render(stylesheets=[stylesheet(path) for path in stylesheets], font_config=font_config())


def write_pdf(document: Document) -> bytes:
    return document.write_pdf()


@cache
def _file_digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content_key(html: str, *, stylesheets: Sequence[str | Path] = (), base_url: str | Path | None = None) -> str:
    """A hash of all a PDF is made of: HTML, stylesheets' contents, base folder, WeasyPrint's version."""
    digest = hashlib.sha256(f"{weasyprint.__version__}:{base_url or ''}:".encode())
    for path in stylesheets:
        resolved = Path(path).resolve()
        digest.update(_file_digest(str(resolved), resolved.stat().st_mtime_ns).encode())
    digest.update(html.encode())
    return digest.hexdigest()


def render_pdf(
    html: str,
    *,
    stylesheets: Sequence[str | Path] = (),
    base_url: str | Path | None = None,
    cached: bool = False,
) -> bytes:
    """The PDF bytes of ``html``; relative URLs resolve under ``base_url`` (and only there).

    ``cached``: kept in the shared "pdf" cache under a hash of its content, so the same document asked again (a pack
    rebuilt, a grid downloaded twice) costs one cache read. Never for documents holding secrets (access codes).
    """
    if not cached:
        return write_pdf(layout(html, stylesheets=stylesheets, base_url=base_url))
    key = f"doc:{content_key(html, stylesheets=stylesheets, base_url=base_url)}"
    content = caches["pdf"].get(key)
    if content is None:
        content = write_pdf(layout(html, stylesheets=stylesheets, base_url=base_url))
        caches["pdf"].set(key, content)
    return content
