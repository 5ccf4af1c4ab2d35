"""stetapp.pdf.render_pdf: the one way to make a PDF; it never touches the network."""

import io
import socket
import unicodedata

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
