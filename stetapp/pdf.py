"""The one way stetapp renders a PDF: a Django template (extending templates/pdf/base.html)
turned into bytes by WeasyPrint.

WeasyPrint never touches the network here. Its URL fetcher serves only our own static
files, read from disk (an image, a stylesheet or a font referenced as `{% static … %}`);
every other URL (http, https, file, data, anything outside the static files) is refused.
A refused resource is left out with a warning in the log: the PDF is still made.

Text is laid out by Pango with the fonts installed on the machine (fontconfig), so
right-to-left scripts such as Arabic are shaped and ordered correctly as long as a font
covering them is installed (DejaVu Sans, fonts-dejavu-core, covers Arabic and Persian).
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML

# Relative URLs in a PDF template resolve against this base. The .invalid top-level
# domain never resolves, and the fetcher below never asks the network anyway.
BASE_URL = "https://pdf.stetapp.invalid/"


class RefusedURL(ValueError):
    """A PDF template referred to something that is not one of our static files."""


def static_file_for(url: str) -> Path | None:
    """The file on disk behind a URL of one of our static files, or None.

    Accepts the static URL resolved against BASE_URL ("https://pdf.stetapp.invalid/static/
    css/x.css"); refuses any other host, scheme or path, and any path that tries to climb
    out of the static files ("..").
    """
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(static_prefix):
        return None
    name = path[len(static_prefix) :]
    if not name or "\x00" in name or ".." in name.split("/") or posixpath.isabs(name):
        return None
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if found:
        return Path(found)
    root = getattr(settings, "STATIC_ROOT", None)
    if root:
        root_path = Path(root).resolve()
        candidate = (root_path / name).resolve()
        if candidate.is_relative_to(root_path) and candidate.is_file():
            return candidate
    return None


def _response_parts(url: str) -> tuple[bytes, str]:
    path = static_file_for(url)
    if path is None:
        raise RefusedURL(f"stetapp PDFs load only their own static files, not {url[:200]}")
    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), mime_type


try:  # WeasyPrint 68 and later: fetchers are URLFetcher objects.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves our static files from disk; refuses everything else."""

        def fetch(self, url, headers=None):
            body, mime_type = _response_parts(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    def _fetcher():
        return StaticOnlyFetcher()

except ImportError:  # pragma: no cover - older WeasyPrint: fetchers are functions.

    def _fetch(url):
        body, mime_type = _response_parts(url)
        return {"string": body, "mime_type": mime_type, "redirected_url": url}

    def _fetcher():
        return _fetch


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render `template_name` with `context` (and the request's context processors, when
    a request is given) and return the PDF's bytes."""
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()


__all__ = ["BASE_URL", "RefusedURL", "render_pdf", "static_file_for"]
