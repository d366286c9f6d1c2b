"""readers: finding input documents, reading them safely and decoding bytes like a browser."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cleaner import readers
from cleaner.document import Format
from cleaner.errors import InputError
from cleaner.readers import Source, decode, find_url, is_document_name, iter_sources

FRENCH = (
    "Le ministre des Armées a présenté mercredi le nouveau budget de la défense, qui prévoit une hausse "
    "significative des crédits consacrés à l'équipement des forces. « Nous devons être prêts », a-t-il déclaré "
    "devant les députés, évoquant la dégradation de la situation sécuritaire en Europe de l'Est.\n"
)


# --- iter_sources ---------------------------------------------------------------------------


def test_iter_sources_ids_are_relative_posix_paths_in_stable_order(write_files):
    root = write_files(
        {
            "b.txt": "b",
            "a.html": "<p>a</p>",
            "sub/deeper/c.htm.gz": "c",
            "sub/d.XHTML": "d",
            "sub/e.txt.gz": "e",
            "notes.md": "not a document",
            "image.png": b"\x89PNG",
            "archive.gz": "a .gz of no document type",
        }
    )
    ids = [source.id for source in iter_sources([root])]
    # Files of a folder (sorted) come before its subfolders (sorted): a stable, documented order.
    assert ids == ["a.html", "b.txt", "sub/d.XHTML", "sub/e.txt.gz", "sub/deeper/c.htm.gz"]
    assert ids == [source.id for source in iter_sources([root])]


def test_iter_sources_named_file_is_taken_whatever_its_suffix(write_files):
    root = write_files({"page.dump": "text"})
    (source,) = iter_sources([root / "page.dump"])
    assert source.id == "page.dump"
    assert source.read_bytes() == b"text"


def test_iter_sources_several_roots_each_relative_to_its_own_root(write_files):
    first = write_files({"x/a.txt": "1"}, folder="one")
    second = write_files({"y/b.txt": "2"}, folder="two")
    assert [s.id for s in iter_sources([first, second])] == ["x/a.txt", "y/b.txt"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", True),
        ("a.HTML", True),
        ("a.htm.gz", True),
        ("a.xhtml", True),
        ("a.txt.GZ", True),
        ("a.gz", False),
        ("a.md", False),
        ("txt", False),
    ],
)
def test_is_document_name(name, expected):
    assert is_document_name(name) is expected


# --- reading bytes --------------------------------------------------------------------------


def test_gz_source_is_decompressed(write_files):
    root = write_files({"page.html.gz": "<p>hello</p>"})
    (source,) = iter_sources([root])
    assert source.read_bytes() == b"<p>hello</p>"


def test_gzip_bomb_is_refused_at_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_DOCUMENT_BYTES", 4096)
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"\0" * 100_000))
    with pytest.raises(InputError, match="decompresses to more than"):
        Source(id="bomb.txt.gz", path=path).read_bytes()


def test_plain_file_over_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_DOCUMENT_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text("x" * 11)
    with pytest.raises(InputError, match="larger than"):
        Source(id="big.txt", path=path).read_bytes()


@pytest.mark.parametrize(
    "data",
    [
        gzip.compress(b"some text " * 100)[:-12],  # stream cut before its end
        b"\x1f\x8b\x08\x00garbage that is not deflate data",
        b"plain text with a .gz name",
    ],
    ids=["truncated", "garbage", "not-gzip"],
)
def test_damaged_gzip_is_a_clear_input_error(tmp_path, data):
    path = tmp_path / "page.txt.gz"
    path.write_bytes(data)
    with pytest.raises(InputError, match="gzip"):
        Source(id="page.txt.gz", path=path).read_bytes()


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        Source(id="gone.txt", path=tmp_path / "gone.txt").read_bytes()


def test_reading_never_modifies_the_input(write_files):
    root = write_files({"page.txt.gz": "hello"})
    path = root / "page.txt.gz"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    Source(id="page.txt.gz", path=path).read_bytes()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --- decode: charsets -----------------------------------------------------------------------


def test_utf8_bom_is_removed():
    decoded = decode(b"\xef\xbb\xbf" + "Café crème".encode())
    assert decoded.text == "Café crème"
    assert decoded.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(codec):
    data = "Café crème\nsecond line".encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    decoded = decode(data)
    assert decoded.text == "Café crème\nsecond line"
    assert decoded.encoding.startswith("utf-16")


def test_utf16_html_is_recognised_and_its_url_found():
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-16"><link rel="canonical" href="https://www.example.org/a">'
        "</head><body><p>Crème brûlée</p></body></html>"
    )
    decoded = decode(page.encode("utf-16"))
    assert decoded.format is Format.HTML
    assert decoded.url == "https://www.example.org/a"
    assert "Crème brûlée" in decoded.text


def test_meta_charset_latin1():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café crème brûlée</p></body></html>'
    decoded = decode(page.encode("latin-1"))
    assert decoded.format is Format.HTML
    assert "Café crème brûlée" in decoded.text


def test_meta_http_equiv_cp1252_smart_quotes():
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head>'
        "<body><p>“Quoted” — it’s here</p></body></html>"
    )
    decoded = decode(page.encode("cp1252"))
    assert "“Quoted” — it’s here" in decoded.text


def test_undeclared_latin1_text_is_detected():
    decoded = decode(FRENCH.encode("latin-1"))
    assert decoded.text == FRENCH


def test_invalid_utf8_in_the_middle_keeps_the_rest_readable():
    # One damaged byte must not turn every accented letter of a UTF-8 page into mojibake.
    data = FRENCH.encode() + b"\xff\xfe stray bytes " + FRENCH.encode()
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text.startswith(FRENCH)
    assert decoded.text.endswith(FRENCH)
    assert "\ufffd" in decoded.text


# --- decode: refusals -----------------------------------------------------------------------


def test_png_is_refused_as_binary(png_bytes):
    with pytest.raises(InputError, match=r"binary file .*PNG"):
        decode(png_bytes)


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(InputError, match="binary"):
        decode(b"abc\x00\x00\x00\x00def" * 10)


def test_a_stray_nul_byte_or_two_per_hundred_is_no_binary_file():
    text = b"a" * 198 + b"\x00\x00"  # 1 % of the head: still text
    assert decode(text).format is Format.TEXT  # the NUL bytes are the text stage's to remove
    with pytest.raises(InputError, match="NUL"):
        decode(text + b"\x00")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_document_is_refused(data):
    with pytest.raises(InputError, match="empty"):
        decode(data)


# --- decode: html or text, by content ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", Format.HTML),
        (b"<?xml version='1.0'?>\n<!-- c -->\n<html><body>x</body></html>", Format.HTML),
        (b"<div><p>one</p><p>two</p><span>three</span></div>", Format.HTML),
        (b"Plain text that mentions <p> once.\nAnd a second line with a < b.", Format.TEXT),
        (b"Headline\nBody text of the article, with no markup at all.", Format.TEXT),
    ],
    ids=["doctype", "xml-decl-comment", "fragment", "text-with-a-tag", "text"],
)
def test_format_is_decided_by_content(data, expected):
    assert decode(data).format is expected


def test_html_named_txt_is_html(shipped_cleaner, article_html, write_files):
    root = write_files({"page.txt": article_html})
    (source,) = iter_sources([root])
    assert shipped_cleaner.clean_source(source).format is Format.HTML


# --- URL ------------------------------------------------------------------------------------


def test_url_from_canonical_link():
    page = b'<html><head><link href="https://www.example.org/a/b" rel="canonical"></head><body>x</body></html>'
    assert decode(page).url == "https://www.example.org/a/b"


def test_url_from_og_url():
    page = b'<html><head><meta property="og:url" content="https://news.example.co.uk/x"></head><body></body></html>'
    assert decode(page).url == "https://news.example.co.uk/x"


def test_canonical_wins_over_og_url():
    page = (
        '<html><head><meta property="og:url" content="https://og.example.com/"/>'
        '<link rel="canonical" href="https://canonical.example.com/"/></head></html>'
    )
    assert find_url(page) == "https://canonical.example.com/"


def test_relative_canonical_is_ignored_and_text_has_no_url():
    assert find_url('<html><head><link rel="canonical" href="/a/b"></head></html>') is None
    assert decode(b"Just text with https://example.com/ inside it.").url is None


def test_source_paths_are_not_needed_for_decoding(tmp_path: Path):
    # decode works on bytes alone: the same page read from disk or given in memory decodes the same.
    path = tmp_path / "page.txt"
    path.write_bytes(FRENCH.encode("utf-8"))
    assert decode(Source(id="page.txt", path=path).read_bytes()) == decode(FRENCH.encode("utf-8"))
