"""Receipts are checked as whole files, not by their first bytes (issue 15, item 0)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from funding.models import Expense
from funding.services import receipt_check
from tests.funding.receipt_files import make_image, make_pdf, make_zip

URL = reverse("expense_create")


PDF = make_pdf()
PNG = make_image("PNG")
JPEG = make_image("JPEG")


def check(content: bytes, name: str = "receipt") -> str:
    return receipt_check(SimpleUploadedFile(name, content))


def refusal(content: bytes) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check(content)
    return " ".join(caught.value.message_dict["receipt"])


@pytest.mark.parametrize(
    "content, suffix",
    [(PDF, ".pdf"), (make_pdf(3), ".pdf"), (PNG, ".png"), (JPEG, ".jpg"), (PDF + b"\r\n", ".pdf")],
)
def test_whole_files_pass_with_the_suffix_of_their_content(content, suffix):
    assert check(content, name="receipt.txt") == suffix


@pytest.mark.parametrize(
    "content, message",
    [
        (PDF[: len(PDF) // 2], "The PDF file is incomplete or damaged."),
        (b"%PDF-1.7\n" + b"junk " * 200 + b"\n%%EOF\n", "The PDF file is incomplete or damaged."),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "The PDF file is incomplete or damaged."),
        (PDF + make_zip(), "The PDF file has something else attached after its end."),
        (PDF + b"<html><script>alert(1)</script></html>", "something else attached"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "The image is incomplete or damaged."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "The image is incomplete or damaged."),
        (PNG[:-40], "The image is incomplete or damaged."),
        (PNG + make_zip(), "The image has something else attached after its end."),
        (JPEG[: len(JPEG) // 2], "The image is incomplete or damaged."),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "The image is incomplete or damaged."),
        # A PNG named by a JPEG's first bytes: the decoder finds no JPEG.
        (b"\xff\xd8\xff" + PNG, "The image is incomplete or damaged."),
    ],
    ids=[
        "truncated-pdf",
        "pdf-header-garbage",
        "pdf-without-pages",
        "pdf-zip-polyglot",
        "pdf-html-polyglot",
        "png-header-zeros",
        "png-header-garbage",
        "truncated-png",
        "png-zip-polyglot",
        "truncated-jpeg",
        "jpeg-header-zeros",
        "jpeg-header-png-body",
    ],
)
def test_broken_and_polyglot_files_are_refused(content, message):
    assert message in refusal(content)


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=300)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert "password" in refusal(out.getvalue())


def test_an_image_over_the_pixel_budget_is_refused_before_decoding(settings):
    settings.STETAPP_RECEIPT_MAX_PIXELS = 1_000_000
    big = make_image("PNG", size=(2000, 1000))
    assert "too large" in refusal(big)


def test_a_decompression_bomb_is_refused():
    # 30 000 × 30 000 pixels of one colour: a few hundred kB as PNG, 2.7 GB decoded.
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, "PNG")
    assert "too large" in refusal(out.getvalue())


@pytest.mark.django_db
def test_the_form_shows_the_error_in_dutch_and_stores_nothing(world, login):
    receipt = SimpleUploadedFile("bon.pdf", PDF[:-200], content_type="application/pdf")
    user = world.users["facilitator_a1"]
    user.language = "nl"
    user.save(update_fields=["language"])
    client = login(user)
    response = client.post(
        URL,
        {
            "group": world.group_a1.pk,
            "spent_on": "2026-03-03",
            "amount": "12.50",
            "description": "Thee en koekjes",
            "category": "catering",
            "grant": world.grant_a.pk,
            "receipt": receipt,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"] == [
        "Het pdf-bestand is onvolledig of beschadigd."
    ]
    assert not Expense.objects.filter(description="Thee en koekjes").exists()
