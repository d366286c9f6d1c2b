"""Builders for the container and crawl files the run-machinery tests need, generated in tmp_path.

WARC files are written with warcio, the same library the reader uses, so the test files are
real WARC 1.0/1.1 records (response, request, conversion) and not hand-typed approximations.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from conftest import ARTICLE_HTML, ARTICLE_TEXT, PNG_BYTES
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def page_html(number: int) -> str:
    """A distinct article page per number, so outputs of different pages differ."""
    return ARTICLE_HTML.replace("Sea Wall", f"Sea Wall {number}").replace("eastern quay", f"quay number {number}")


def page_text(number: int) -> str:
    return ARTICLE_TEXT.replace("Sea Wall", f"Sea Wall {number}").replace("eastern quay", f"quay number {number}")


def write_warc(path: Path, records: list[tuple[str, str, bytes, str | None]]) -> Path:
    """records: (warc type, url, payload, http content type or None for non-HTTP records)."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        for rec_type, url, payload, content_type in records:
            http = None
            if content_type is not None:
                http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, rec_type, payload=io.BytesIO(payload), http_headers=http)
            writer.write_record(record)
    return path


def sample_warc(path: Path) -> Path:
    """A page, an image, a request, a text conversion and a second page: 3 documents."""
    return write_warc(
        path,
        [
            ("response", "https://news.example.com/a", page_html(1).encode(), "text/html; charset=utf-8"),
            ("response", "https://news.example.com/logo.png", PNG_BYTES, "image/png"),
            ("request", "https://news.example.com/b", b"GET /b HTTP/1.1\r\nHost: news.example.com\r\n\r\n", None),
            ("conversion", "https://news.example.com/c.pdf", page_text(3).encode(), None),
            ("response", "https://news.example.com/d", page_html(4).encode(), "text/html"),
        ],
    )


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    """Records as JSON lines (a str is written as it is, to make damaged lines); .gz is gzipped."""
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    data = gzip.compress(text.encode()) if path.name.endswith(".gz") else text.encode()
    path.write_bytes(data)
    return path


def build_crawl(root: Path, pages: int) -> Path:
    """A crawl folder of `pages` documents: HTML and text files, some gzipped, one broken file."""
    root.mkdir(parents=True, exist_ok=True)
    for number in range(pages):
        folder = root / f"site{number % 3}"
        folder.mkdir(exist_ok=True)
        if number % 4 == 0:
            (folder / f"p{number:04d}.txt").write_text(page_text(number), encoding="utf-8")
        elif number % 4 == 1:
            (folder / f"p{number:04d}.html.gz").write_bytes(gzip.compress(page_html(number).encode()))
        else:
            (folder / f"p{number:04d}.html").write_text(page_html(number), encoding="utf-8")
    (root / "broken.html").write_bytes(PNG_BYTES)
    return root
