"""Documents inside container files: WARC (HTTP responses and conversions) and JSONL, and stdin.

A container holds many documents; each becomes a Source whose id is `container-id#N`, N being
the record's position in the file counting from 1 (WARC: every record, so ids stay put when the
record filter changes; JSONL: the line number, as an editor shows it). Records are read one at a
time, so a crawl of any size streams through in bounded memory. A bad record becomes a Source
carrying its error: the run reports it and goes on.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cleaner.readers import MAX_DOCUMENT_BYTES, Source

WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# WARC responses whose Content-Type is one of these are pages; images, scripts etc. are skipped.
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
STDIN_NAME = "-"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """Which JSONL fields hold the URL and the page (HTML preferred over text when both are there)."""

    url: str = "url"
    html: str = "html"
    text: str = "text"


def container_kind(name: str) -> str | None:
    """'warc', 'jsonl' or None, from a file name."""
    lowered = name.lower()
    if lowered.endswith(WARC_SUFFIXES):
        return "warc"
    if lowered.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return None


def iter_container(path: Path, container_id: str, fields: JsonlFields | None = None) -> Iterator[Source]:
    """The documents in one container file, in file order."""
    kind = container_kind(path.name)
    try:
        stream = path.open("rb")
    except OSError as error:
        yield Source(id=container_id, path=path, error=f"cannot read: {error.strerror or error}")
        return
    with stream:
        if kind == "warc":
            yield from iter_warc(stream, path, container_id)
        else:
            yield from iter_jsonl(_maybe_gunzip(stream), path, container_id, fields or JsonlFields())


def iter_stdin(fields: JsonlFields | None = None, stream: IO[bytes] | None = None) -> Iterator[Source]:
    """Standard input: a WARC or JSONL stream (sniffed, gzip or not), else one document with id '-'."""
    raw = stream if stream is not None else sys.stdin.buffer
    buffered = io.BufferedReader(raw) if not hasattr(raw, "peek") else raw
    head = buffered.peek(2)[:2]
    if head == _GZIP_MAGIC:
        buffered = io.BufferedReader(gzip.GzipFile(fileobj=buffered))
    start = buffered.peek(64).lstrip()[:5]
    path = Path(STDIN_NAME)
    if start.startswith(b"WARC/"):
        yield from iter_warc(buffered, path, STDIN_NAME)
    elif start.startswith(b"{"):
        yield from iter_jsonl(buffered, path, STDIN_NAME, fields or JsonlFields())
    else:
        data = buffered.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            yield Source(id=STDIN_NAME, path=path, error=f"larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
        else:
            yield Source(id=STDIN_NAME, path=path, data=data)


def _maybe_gunzip(stream: IO[bytes]) -> IO[bytes]:
    buffered = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        return io.BufferedReader(gzip.GzipFile(fileobj=buffered))
    return buffered


def iter_jsonl(stream: IO[bytes], path: Path, container_id: str, fields: JsonlFields) -> Iterator[Source]:
    """One Source per non-blank line; a line that is not a JSON object with a page field is an error."""
    number = 0
    try:
        for number, line in enumerate(stream, 1):
            if line.strip():
                yield _jsonl_source(line, path, f"{container_id}#{number}", fields)
    except (OSError, EOFError, zlib.error) as error:
        yield Source(id=f"{container_id}#{number + 1}", path=path, error=f"damaged container: {error}")


def _jsonl_source(line: bytes, path: Path, record_id: str, fields: JsonlFields) -> Source:
    if len(line) > MAX_DOCUMENT_BYTES:
        return Source(id=record_id, path=path, error=f"record larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
    try:
        record = json.loads(line)
    except ValueError as error:
        return Source(id=record_id, path=path, error=f"not JSON: {error}")
    if not isinstance(record, dict):
        return Source(id=record_id, path=path, error="not a JSON object")
    page = record.get(fields.html) or record.get(fields.text)
    if not isinstance(page, str) or not page:
        return Source(id=record_id, path=path, error=f"no {fields.html!r} or {fields.text!r} field with a page")
    url = record.get(fields.url)
    data = page.encode("utf-8", errors="replace")  # JSON may escape lone surrogates ("\\ud800"): not encodable
    return Source(id=record_id, path=path, data=data, url=url if isinstance(url, str) else None)


def iter_warc(stream: IO[bytes], path: Path, container_id: str) -> Iterator[Source]:
    """HTTP responses with a page, and `conversion` records (text extracted by the crawler)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream), 1):
            if _is_page(record):
                yield _warc_source(record, path, f"{container_id}#{number}")
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as error:
        yield Source(id=f"{container_id}#{number + 1}", path=path, error=f"damaged WARC: {error}")


def _is_page(record) -> bool:
    if record.rec_type == "conversion":
        return True
    if record.rec_type != "response" or record.http_headers is None:
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return not content_type or content_type.split(";")[0].strip() in HTML_CONTENT_TYPES


def _warc_source(record, path: Path, record_id: str) -> Source:
    url = record.rec_headers.get_header("WARC-Target-URI")
    data = record.content_stream().read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        return Source(id=record_id, path=path, url=url, error=f"larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
    missing = getattr(record.raw_stream, "limit", 0)  # bytes the Content-Length promised but the file lacks
    if missing:
        error = f"damaged WARC: record truncated, {missing} bytes missing"
        return Source(id=record_id, path=path, url=url, error=error)
    return Source(id=record_id, path=path, data=data, url=url)
