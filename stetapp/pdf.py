"""The one way stetapp renders a PDF: a Django template (extending templates/pdf/base.html)
turned into bytes by WeasyPrint.

WeasyPrint never touches the network here. Its URL fetcher serves only our own static
files, read from disk (an image, a stylesheet or a font referenced as `{% static … %}`);
every other URL (http, https, file, data, anything outside the static files) is refused.
A refused resource is left out with a warning in the log: the PDF is still made.

A caller can also hand over a few resources held in memory (an organisation's logo, read
from private storage after the access check): `render_pdf(..., resources={"logo": (bytes,
"image/png")})` serves them at `resource_url("logo")`, a fixed URL under BASE_URL. Only the
names given are served, only for that one rendering.

Text is laid out by Pango with the fonts installed on the machine (fontconfig), so
right-to-left scripts such as Arabic are shaped and ordered correctly as long as a font
covering them is installed (DejaVu Sans, fonts-dejavu-core, covers Arabic and Persian).
Emoji in names and stories need Noto Color Emoji (fonts-noto-color-emoji), installed
wherever PDFs are made (Dockerfile, .ci/run, README); without it they print as boxes.

Every PDF is tagged for assistive technology (PDF/UA-1, PDF_VARIANT): a structure tree
of headings, paragraphs, tables and lists, the document's language and title. Templates
therefore give the root element a `lang` and every image an `alt`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML

from .text import without_controls

# Relative URLs in a PDF template resolve against this base. The .invalid top-level
# domain never resolves, and the fetcher below never asks the network anyway.
BASE_URL = "https://pdf.stetapp.invalid/"

# Every PDF is tagged (a structure tree for screen readers) and says which language it
# is in: WeasyPrint's PDF/UA-1 variant.
PDF_VARIANT = "pdf/ua-1"


# In-memory resources are served under this path of BASE_URL.
RESOURCE_PATH = "/_resources/"
# What a template may be given in memory: images only.
RESOURCE_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})


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


def resource_url(name: str) -> str:
    """The URL at which render_pdf serves the in-memory resource `name`."""
    return BASE_URL.rstrip("/") + RESOURCE_PATH + name


def _resource_for(url: str, resources: dict) -> tuple[bytes, str] | None:
    """The (bytes, mime type) of an in-memory resource, when `url` is exactly its URL."""
    if not resources:
        return None
    for name, value in resources.items():
        if url == resource_url(name):
            return value
    return None


def _response_parts(url: str, resources: dict | None = None) -> tuple[bytes, str]:
    found = _resource_for(url, resources or {})
    if found is not None:
        return found
    path = static_file_for(url)
    if path is None:
        raise RefusedURL(f"stetapp PDFs load only their own static files, not {url[:200]}")
    mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), mime_type


try:  # WeasyPrint 68 and later: fetchers are URLFetcher objects.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves our static files from disk and the given in-memory resources; refuses
        everything else."""

        def __init__(self, resources: dict | None = None, **kwargs):
            super().__init__(**kwargs)
            self.resources = resources or {}

        def fetch(self, url, headers=None):
            body, mime_type = _response_parts(url, self.resources)
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    def _fetcher(resources=None):
        return StaticOnlyFetcher(resources)

except ImportError:  # pragma: no cover - older WeasyPrint: fetchers are functions.

    def _fetcher(resources=None):
        def fetch(url):
            body, mime_type = _response_parts(url, resources)
            return {"string": body, "mime_type": mime_type, "redirected_url": url}

        return fetch


def _check_resources(resources: dict | None) -> dict:
    checked = {}
    for name, value in (resources or {}).items():
        if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"a resource name is letters, digits, - and _ only: {name!r}")
        body, mime_type = value
        if mime_type not in RESOURCE_TYPES:
            raise ValueError(f"resources are images only, not {mime_type!r}")
        checked[name] = (bytes(body), mime_type)
    return checked


def _html(template_name: str, context: dict, request) -> str:
    # Text stored before stetapp.text's rule may hold control characters: without them,
    # not as the boxes of a missing glyph (docs/decisions.md 45).
    return without_controls(render_to_string(template_name, context, request=request))


def _layout(html: str, resources: dict):
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher(resources)).render(
        pdf_variant=PDF_VARIANT
    )


def layout_pdf(template_name: str, context: dict, *, request=None, resources: dict | None = None):
    """The laid-out pages of `template_name` (a weasyprint Document), before they are
    written: render_pdf writes them; tests read the pages' boxes (what lands on which
    page, in which type size)."""
    return _layout(_html(template_name, context, request), _check_resources(resources))


# How long a kept PDF (render_pdf's `keep`) stays in the cache.
KEEP_SECONDS = 3600


def _kept_key(html: str, resources: dict) -> str:
    """The cache key of the PDF made of `html` and `resources` by this WeasyPrint: the
    same key is the same input, so the same PDF."""
    digest = hashlib.sha256(f"{weasyprint.__version__}:{PDF_VARIANT}:{BASE_URL}".encode())
    digest.update(html.encode())
    for name, (body, mime_type) in sorted(resources.items()):
        digest.update(f"\0{name}\0{mime_type}\0".encode())
        digest.update(hashlib.sha256(body).digest())
    return f"pdf:{digest.hexdigest()}"


def render_pdf(
    template_name: str,
    context: dict,
    *,
    request=None,
    resources: dict | None = None,
    keep: bool = False,
) -> bytes:
    """Render `template_name` with `context` (and the request's context processors, when
    a request is given) and return the PDF's bytes, tagged (PDF_VARIANT). `resources` maps
    a name to (bytes, mime type) of an image held in memory; the template refers to it by
    `resource_url(name)` (ValueError for another kind of resource or an odd name).

    With `keep`, the PDF is kept in the cache for KEEP_SECONDS under a digest of its HTML
    and resources, and a later call whose HTML is the same (same data, language and day)
    gets those bytes without the layout, which is nearly all of the time (about 100 ms
    for a page of group agreements). Only for documents without personal data: what is
    kept is the whole PDF (docs/decisions.md 72)."""
    resources = _check_resources(resources)
    html = _html(template_name, context, request)
    key = _kept_key(html, resources) if keep else ""
    if keep and (kept := cache.get(key)) is not None:
        return kept
    pdf = _layout(html, resources).write_pdf(pdf_variant=PDF_VARIANT)
    if keep:
        cache.set(key, pdf, KEEP_SECONDS)
    return pdf


__all__ = [
    "BASE_URL",
    "PDF_VARIANT",
    "RefusedURL",
    "layout_pdf",
    "render_pdf",
    "resource_url",
    "static_file_for",
]
