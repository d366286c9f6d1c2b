"""WARC and JSONL inputs, and stdin: records become Sources with `path#N` ids, bytes and URL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from scale_crawl import page_html, page_text, sample_warc, write_jsonl

from cleaner.containers import JsonlFields, container_kind, iter_container, iter_stdin
from cleaner.errors import InputError
from cleaner.readers import iter_sources


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.warc", "warc"),
        ("A.WARC.GZ", "warc"),
        ("x.jsonl", "jsonl"),
        ("x.jsonl.gz", "jsonl"),
        ("x.ndjson", "jsonl"),
        ("x.html", None),
        ("x.json", None),
        ("warc.txt", None),
    ],
)
def test_container_kind_from_name(name: str, kind: str | None) -> None:
    assert container_kind(name) == kind


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_yields_pages_and_conversions_with_record_numbers(tmp_path: Path, name: str) -> None:
    path = sample_warc(tmp_path / name)
    sources = list(iter_container(path, name))
    assert [s.id for s in sources] == [f"{name}#1", f"{name}#4", f"{name}#5"]
    assert [s.url for s in sources] == [
        "https://news.example.com/a",
        "https://news.example.com/c.pdf",
        "https://news.example.com/d",
    ]
    assert sources[0].read_bytes() == page_html(1).encode()
    assert sources[1].read_bytes() == page_text(3).encode()


def test_warc_documents_clean_with_their_url(tmp_path: Path, shipped_cleaner) -> None:
    path = sample_warc(tmp_path / "crawl.warc.gz")
    docs = [shipped_cleaner.clean_source(s) for s in iter_container(path, "crawl.warc.gz")]
    assert [d.error for d in docs] == [None, None, None]
    assert docs[0].format.value == "html" and docs[1].format.value == "text"
    assert docs[0].url == "https://news.example.com/a"
    assert docs[0].text == shipped_cleaner.clean(page_html(1), url="https://news.example.com/a").text
    assert docs[1].text == shipped_cleaner.clean(page_text(3)).text


def test_damaged_warc_gives_an_error_source_and_stops_that_file(tmp_path: Path) -> None:
    good = sample_warc(tmp_path / "good.warc").read_bytes()
    path = tmp_path / "bad.warc"
    path.write_bytes(good + b"this is not a WARC record\r\n\r\n")
    sources = list(iter_container(path, "bad.warc"))
    assert [s.id for s in sources[:3]] == ["bad.warc#1", "bad.warc#4", "bad.warc#5"]
    assert sources[-1].error and "damaged WARC" in sources[-1].error
    with pytest.raises(InputError, match="damaged WARC"):
        sources[-1].read_bytes()


@pytest.mark.parametrize("name", ["pages.jsonl", "pages.jsonl.gz"])
def test_jsonl_records_with_default_fields(tmp_path: Path, name: str) -> None:
    path = write_jsonl(
        tmp_path / name,
        [
            {"url": "https://a.example.com/1", "html": page_html(1)},
            {"url": "https://a.example.com/2", "text": page_text(2)},
            "",
            {"url": "https://a.example.com/4", "html": page_html(4), "text": "ignored: html wins"},
        ],
    )
    sources = list(iter_container(path, name))
    assert [s.id for s in sources] == [f"{name}#1", f"{name}#2", f"{name}#4"]
    assert [s.url for s in sources] == ["https://a.example.com/1", "https://a.example.com/2", "https://a.example.com/4"]
    assert sources[1].read_bytes() == page_text(2).encode()
    assert sources[2].read_bytes() == page_html(4).encode()


def test_jsonl_with_configured_field_names(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"link": "https://b.example.com/x", "body": page_text(7)}])
    fields = JsonlFields(url="link", html="raw_html", text="body")
    [source] = iter_container(path, "c.jsonl", fields)
    assert source.url == "https://b.example.com/x"
    assert source.read_bytes() == page_text(7).encode()


def test_bad_jsonl_lines_become_error_sources_and_the_file_goes_on(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "bad.jsonl",
        ['{"html": "<p>unterminated', "[1, 2]", {"url": "https://x.example.com"}, {"text": page_text(1)}],
    )
    sources = list(iter_container(path, "bad.jsonl"))
    assert [s.id for s in sources] == ["bad.jsonl#1", "bad.jsonl#2", "bad.jsonl#3", "bad.jsonl#4"]
    assert "not JSON" in sources[0].error
    assert "not a JSON object" in sources[1].error
    assert "no 'html' or 'text' field" in sources[2].error
    assert sources[3].error is None


def test_unreadable_container_is_one_error_source(tmp_path: Path) -> None:
    [source] = iter_container(tmp_path / "missing.warc", "missing.warc")
    assert source.id == "missing.warc" and "cannot read" in source.error


def test_stdin_is_sniffed_as_warc_jsonl_or_one_document(tmp_path: Path) -> None:
    warc = sample_warc(tmp_path / "s.warc.gz").read_bytes()
    assert [s.id for s in iter_stdin(stream=io.BytesIO(warc))] == ["-#1", "-#4", "-#5"]
    jsonl = write_jsonl(tmp_path / "s.jsonl", [{"html": page_html(1)}, {"text": page_text(2)}]).read_bytes()
    assert [s.id for s in iter_stdin(stream=io.BytesIO(jsonl))] == ["-#1", "-#2"]
    [single] = iter_stdin(stream=io.BytesIO(page_text(5).encode()))
    assert single.id == "-" and single.read_bytes() == page_text(5).encode()


def test_iter_sources_mixes_plain_files_and_containers(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    (crawl / "b").mkdir(parents=True)
    (crawl / "a.html").write_text(page_html(1), encoding="utf-8")
    sample_warc(crawl / "b" / "c.warc.gz")
    write_jsonl(crawl / "z.jsonl", [{"html": page_html(9)}])  # JSONL in a folder is not an input
    named = write_jsonl(tmp_path / "extra.jsonl", [{"html": page_html(9)}])
    ids = [s.id for s in iter_sources([crawl, named])]
    assert ids == ["a.html", "b/c.warc.gz#1", "b/c.warc.gz#4", "b/c.warc.gz#5", "extra.jsonl#1"]


def test_plain_file_sources_carry_no_bytes_until_read(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.txt").write_text(page_text(1), encoding="utf-8")
    [source] = iter_sources([crawl])
    assert source.data is None and source.url is None
    assert source.read_bytes() == page_text(1).encode()
