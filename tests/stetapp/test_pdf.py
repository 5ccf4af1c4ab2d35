"""stetapp.pdf.render_pdf: the one way to make a PDF; it never touches the network."""

import io
import os
import shutil
import socket
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from stetapp import pdf


@pytest.fixture
def template(tmp_path, settings):
    """A throw-away template directory; returns a function that writes a template."""
    # Changing the setting resets Django's template engines (setting_changed signal).
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    def write(body: str, name: str = "t.html") -> str:
        (tmp_path / name).write_text(body, encoding="utf-8")
        return name

    return write


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly on any attempt to open a connection; record what was tried."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access during PDF rendering: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_renders_a_pdf_from_the_print_base(template, no_network):
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ heading }}</h1>{% endblock %}'
    )
    data = pdf.render_pdf(name, {"heading": "Hallo <wereld>"})
    assert data.startswith(b"%PDF")
    assert "Hallo <wereld>" in _text(data)
    assert no_network == []


def test_external_urls_are_refused_and_the_render_goes_on(template, no_network, caplog):
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}<p>Before</p>'
        '<img src="https://example.org/x.png" alt="">'
        '<img src="http://127.0.0.1:9/y.png" alt="">'
        '<img src="file:///etc/passwd" alt="">'
        '<link rel="stylesheet" href="//example.org/z.css">'
        "<p>After</p>{% endblock %}"
    )
    data = pdf.render_pdf(name, {})
    assert data.startswith(b"%PDF")
    text = _text(data)
    assert "Before" in text and "After" in text
    assert no_network == []
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "example.org/x.png" in refused
    assert "/etc/passwd" in refused


def test_own_static_files_are_served_from_disk(template, no_network, monkeypatch):
    served = []
    original = pdf.static_file_for

    def spy(url):
        path = original(url)
        served.append((url, path))
        return path

    monkeypatch.setattr(pdf, "static_file_for", spy)
    name = template(
        '{% extends "pdf/base.html" %}{% load static %}{% block content %}'
        '<img src="{% static "img/favicon.svg" %}" alt="">{% endblock %}'
    )
    pdf.render_pdf(name, {})
    assert [(url, path.name) for url, path in served] == [
        (pdf.BASE_URL + "static/img/favicon.svg", "favicon.svg")
    ]
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/img/favicon.svg",  # another host
        "http://pdf.stetapp.invalid/static/img/favicon.svg",  # another scheme
        pdf.BASE_URL + "manage.py",  # outside the static files
        pdf.BASE_URL + "static/../manage.py",
        pdf.BASE_URL + "static/%2e%2e/manage.py",
        pdf.BASE_URL + "static/",
        pdf.BASE_URL + "static/img/missing.png",
        pdf.BASE_URL + "static/img/favicon.svg%00.png",
        "file:///etc/passwd",
        "data:text/plain,hello",
    ],
)
def test_static_file_for_refuses(url):
    assert pdf.static_file_for(url) is None


def test_static_file_for_finds_our_files():
    path = pdf.static_file_for(pdf.BASE_URL + "static/img/favicon.svg")
    assert path is not None and path.name == "favicon.svg"


def test_arabic_is_laid_out(template):
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}'
        '<p lang="ar" dir="rtl">مرحبا بكم</p>{% endblock %}'
    )
    text = _text(pdf.render_pdf(name, {}))
    letters = {c for c in unicodedata.normalize("NFKC", text) if "\u0600" <= c <= "\u06ff"}
    assert set("مرحبابكم") <= letters


def test_every_pdf_is_tagged_with_its_language(template):
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}'
        "<h2>Kop</h2><p>Tekst</p><table><tr><th>a</th><td>1</td></tr></table>{% endblock %}"
    )
    reader = PdfReader(io.BytesIO(pdf.render_pdf(name, {})))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # the structure tree screen readers follow
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] in ("nl", "en")


def test_a_render_logs_no_warning(template, caplog):
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}'
        '<h2>Kop</h2><p dir="rtl" lang="ar">مرحبا</p><table><thead><tr><th>a</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>{% endblock %}"
    )
    with caplog.at_level("DEBUG", logger="weasyprint"):
        pdf.render_pdf(name, {})
    assert [r.getMessage() for r in caplog.records if r.levelno >= 30] == []


def _pages_of(document, predicate) -> dict:
    """For each element the predicate picks: the numbers of the pages it lands on."""
    pages: dict = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and predicate(element):
                pages.setdefault(id(element), (element, set()))[1].add(number)
    return {key: (element, numbers) for key, (element, numbers) in pages.items()}


def test_blocks_and_rows_stay_on_one_page_and_headers_repeat(template):
    words = " ".join(["woord"] * 40)
    rows = "".join(f'<tr class="row"><td>{n}</td><td>{words}</td></tr>' for n in range(40))
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}'
        '<div style="height: 225mm"></div>'
        f'<div class="keep">{"<p>Regel van het verhaal</p>" * 6}</div>'
        f"<table><thead><tr><th>Nummer</th><th>Kop</th></tr></thead><tbody>{rows}</tbody></table>"
        "{% endblock %}"
    )
    document = pdf.layout_pdf(name, {})
    assert len(document.pages) >= 3
    kept = _pages_of(document, lambda e: e.get("class") == "keep")
    assert [len(numbers) for _, numbers in kept.values()] == [1]
    table_rows = _pages_of(document, lambda e: e.get("class") == "row")
    assert len(table_rows) == 40
    assert [numbers for _, numbers in table_rows.values() if len(numbers) > 1] == []
    text = _text(pdf.render_pdf(name, {}))
    assert text.count("Nummer Kop") >= 2  # the header on every page the table runs over


def _emoji_font_installed() -> bool:
    """Noto Color Emoji as fontconfig (which Pango asks) lists it."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf").exists()
    listing = subprocess.run(  # noqa: S603 (fc-list with a fixed pattern)
        [fc_list, ":family=Noto Color Emoji"], capture_output=True, text=True, check=False
    )
    return bool(listing.stdout.strip())


def test_emoji_in_a_name_are_drawn_with_the_emoji_font(template):
    if not _emoji_font_installed():
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail("fonts-noto-color-emoji is not installed: emoji print as boxes")
        pytest.skip("fonts-noto-color-emoji is not installed")
    name = template(
        '{% extends "pdf/base.html" %}{% block content %}<p>{{ name }}</p>{% endblock %}'
    )
    reader = PdfReader(io.BytesIO(pdf.render_pdf(name, {"name": "Ayşe 🌷 Yılmaz 😊"})))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Color-Emoji" in font for font in fonts), fonts
    assert "Ayşe 🌷 Yılmaz 😊" in _text(reader.stream.getvalue())
    # Digits, # and * are emoji too in Unicode: they must stay in the text font.
    plain = PdfReader(io.BytesIO(pdf.render_pdf(name, {"name": "Groep #12 * 2026"})))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in plain.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert not any("Emoji" in font for font in fonts), fonts
