"""Is an uploaded receipt what it says it is, as a whole file? (issue 15, item 0)

The first bytes only name the claimed type; a PDF must then open with a real PDF parser,
with at least one page and nothing after its end, and an image must decode completely
within a pixel budget. A truncated file, a header followed by garbage, an encrypted PDF or
a file with a second file appended (a polyglot: a PDF or PNG with a ZIP or a page of HTML
after its end) is refused. The caller (funding.services.receipt_check) turns the message
into a field error.
"""

import io
import logging
import warnings

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

# What a receipt may be, recognised by its first bytes (the name and the browser's claim
# are not trusted), and the format Pillow must then find for an image.
SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\x89PNG\r\n\x1a\n": ".png",
    b"\xff\xd8\xff": ".jpg",
}
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG"}
PNG_END = b"IEND\xaeB`\x82"
# A PDF ends with %%EOF; allow the line end and padding some writers put after it.
PDF_END = b"%%EOF"
PDF_TAIL_ALLOWED = b" \t\r\n\x00"


def suffix_for(head: bytes) -> str | None:
    """The file suffix its first bytes claim, or None."""
    for signature, suffix in SIGNATURES.items():
        if head.startswith(signature):
            return suffix
    return None


def content_problem(data: bytes, suffix: str) -> str | None:
    """Why the whole file is not a usable receipt of type `suffix`, or None when it is."""
    if suffix == ".pdf":
        return _pdf_problem(data)
    return _image_problem(data, IMAGE_FORMATS[suffix])


def _pdf_problem(data: bytes) -> str | None:
    end = data.rfind(PDF_END)
    if end == -1:
        return _("The PDF file is incomplete or damaged.")
    if data[end + len(PDF_END) :].strip(PDF_TAIL_ALLOWED):
        return _("The PDF file has something else attached after its end.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Not strict: real scanners write small slips (an xref offset off by a
            # byte) that the parser repairs; a file it cannot open is still refused.
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return _("The PDF file is protected with a password. Upload it without one.")
            if len(reader.pages) < 1:
                return _("The PDF file has no pages.")
            for page in reader.pages:
                page.get_contents()
    except (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        RecursionError,
    ):
        # Whatever the parser trips over, the file is not a PDF we can show; the reason
        # is the parser's business (and never logged with the file's content).
        logger.info("receipt refused: PDF did not parse")
        return _("The PDF file is incomplete or damaged.")
    return None


def _image_problem(data: bytes, expected_format: str) -> str | None:
    damaged = _("The image is incomplete or damaged.")
    too_large = _("The image is too large (at most %(mp)d megapixels).") % {
        "mp": settings.STETAPP_RECEIPT_MAX_PIXELS // 1_000_000
    }
    if expected_format == "PNG":
        if PNG_END not in data:
            return damaged
        if not data.endswith(PNG_END):
            return _("The image has something else attached after its end.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected_format:
                return damaged
            width, height = image.size
            if width * height > settings.STETAPP_RECEIPT_MAX_PIXELS:
                return too_large
            image.load()
    except Image.DecompressionBombError:
        # Pillow's own limit, above ours; refused before any pixel is decoded.
        return too_large
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return damaged
    return None
