"""HTML → PDF with WeasyPrint, knowing nothing of the domain.

The font configuration and parsed stylesheets are built once per process: parsing CSS and asking fontconfig for
fonts costs more than laying out a two-page form. Only local files are ever fetched (system fonts, stylesheets
and images under the given roots): a document never reaches the network, whatever its HTML says.
"""

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

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


def render_pdf(html: str, *, stylesheets: Sequence[str | Path] = (), base_url: str | Path | None = None) -> bytes:
    """The PDF bytes of ``html``; relative URLs resolve under ``base_url`` (and only there)."""
    return write_pdf(layout(html, stylesheets=stylesheets, base_url=base_url))
