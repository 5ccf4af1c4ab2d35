"""GET /groups/<pk>/agreements.pdf — the agreements as a PDF to print, in every language
(Arabic right to left). The text is checked, not the bytes (style.md, PDFs)."""

import io
import unicodedata
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from meetings.models import AgreementText
from tests.factories import AgreementFactory, AgreementTextFactory

ARABIC = "ما نسمعه في المجموعة يبقى بيننا"


def _url(group):
    return reverse("agreement_pdf", args=[group.pk])


def _reader(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))


def _text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _letters(text: str) -> str:
    """Arabic letters only, in compatibility form: presentation forms (ﻣ, ﺎ…) that a PDF
    may hold become the base letters, so shaping and order do not matter."""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(c for c in normal if "\u0600" <= c <= "\u06ff")


def _fonts(reader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


@pytest.fixture
def arabic(world):
    AgreementTextFactory(agreement=world.agreement_a1, language="ar", text=ARABIC)


@pytest.mark.parametrize("persona", ["facilitator_a1", "volunteer_a1", "lead_a"])
def test_pdf_with_group_name_dutch_and_arabic(world, arabic, persona):
    response = world.client_for(persona).get(_url(world.group_a1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="agreements-group-a1.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    reader = _reader(response)
    text = _text(reader)
    assert "Group A1" in text
    assert "Our agreements" in text
    assert "Wat in de groep gezegd wordt, blijft in de groep." in " ".join(text.split())
    assert "Arabic" in text
    # Every Arabic letter of the source is in the PDF's text.
    assert set(_letters(ARABIC)) <= set(_letters(text))
    assert any("DejaVu" in font or "Noto" in font for font in _fonts(reader))


def test_agreements_in_order_with_their_dates(world):
    AgreementFactory(group=world.group_a1, position=2, text__text="Tweede afspraak.")
    text = _text(_reader(world.client_for("facilitator_a1").get(_url(world.group_a1))))
    assert text.index("blijft in de groep") < text.index("Tweede afspraak.")
    assert "Agreed on" in text
    assert "Printed on" in text


def test_pdf_follows_the_user_language(world):
    user = world.users["facilitator_a1"]
    user.language = "nl"
    user.save(update_fields=["language"])
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    assert "Group A1" in _text(_reader(response))


def test_group_without_agreements(world):
    response = world.client_for("lead_a").get(_url(world.group_a2))
    assert response.status_code == 200
    assert "not made any agreements yet" in _text(_reader(response))


def test_hostile_group_name_makes_a_safe_filename(world):
    world.group_a1.name = '"; evil\r\nX-Header: 1 <script>'
    world.group_a1.save(update_fields=["name"])
    response = world.client_for("facilitator_a1").get(_url(world.group_a1))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="agreements-')
    assert "\r" not in disposition and "\n" not in disposition and "<" not in disposition
    assert disposition.count('"') == 2


def test_facilitator_of_another_group_gets_404(world):
    assert world.client_for("facilitator_b1").get(_url(world.group_a1)).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "funder", "outsider"])
def test_no_working_role_gets_403(world, persona):
    assert world.client_for(persona).get(_url(world.group_a1)).status_code == 403


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for("anonymous").get(_url(world.group_a1))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_post_is_not_allowed(world):
    assert world.client_for("facilitator_a1").post(_url(world.group_a1)).status_code == 405


def test_the_same_agreements_are_laid_out_once_and_a_change_again(world, arabic):
    # Laying out is nearly all of a PDF's time; the same agreements on the same day give
    # the same document, kept by its content (stetapp/pdf.py, render_pdf's `keep`).
    from stetapp import pdf

    cache.clear()
    client = world.client_for("facilitator_a1")
    with mock.patch.object(pdf, "_layout", wraps=pdf._layout) as layout:
        first = client.get(_url(world.group_a1))
        second = client.get(_url(world.group_a1))
    assert layout.call_count == 1
    assert second.content == first.content
    AgreementText.objects.filter(agreement=world.agreement_a1, language="ar").update(
        text="نبدأ في الوقت المحدد"
    )
    with mock.patch.object(pdf, "_layout", wraps=pdf._layout) as layout:
        third = client.get(_url(world.group_a1))
    assert layout.call_count == 1
    assert third.content != first.content
    assert set(_letters("نبدأ في الوقت المحدد")) <= set(_letters(_text(_reader(third))))
    assert not set(_letters(ARABIC)) <= set(_letters(_text(_reader(third))))


def test_other_pdfs_are_not_kept(world):
    # The paper attendance list holds names: it is never kept in the cache.
    from stetapp import pdf

    cache.clear()
    client = world.client_for("facilitator_a1")
    with mock.patch.object(pdf, "_layout", wraps=pdf._layout) as layout:
        for _ in range(2):
            response = client.get(reverse("attendance_pdf", args=[world.meeting_a1.pk]))
            assert response.status_code == 200
    assert layout.call_count == 2
    assert not [key for key in cache._cache if ":pdf:" in key]
