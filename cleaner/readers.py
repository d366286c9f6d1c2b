"""Find input documents and turn their bytes into text: the only stage that reads input files."""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from cleaner.document import Format
from cleaner.errors import InputError

DOCUMENT_SUFFIXES = (".html", ".htm", ".xhtml", ".txt")
# A decompressed document larger than this is refused: it protects against gzip bombs.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# How much of the start of a document is looked at for charset and HTML markers.
SNIFF_BYTES = 8192

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "a RIFF (WebP/AVI/WAV) file"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_HTML_TAG = re.compile(rb"<(p|div|br|a|span|body|head|meta|script|table|li|ul|h[1-6]|title)\b[^>]*>", re.I)
_LINK_URL = (
    re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>""", re.I),
    re.compile(r"""<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*>""", re.I),
)
_HREF_OR_CONTENT = re.compile(r"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.I)


@dataclass(frozen=True, slots=True)
class Source:
    """One input document on disk: where it is and the id it gets in the output."""

    id: str
    path: Path

    def read_bytes(self) -> bytes:
        """The document's bytes, decompressed when it ends in .gz, never beyond MAX_DOCUMENT_BYTES."""
        try:
            if self.path.suffix.lower() == ".gz":
                return _gunzip_capped(self.path)
            if self.path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise InputError(f"larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
            return self.path.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}") from error


def _gunzip_capped(path: Path) -> bytes:
    chunks, total = [], 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > MAX_DOCUMENT_BYTES:
                    raise InputError(f"decompresses to more than {MAX_DOCUMENT_BYTES // 2**20} MiB")
                chunks.append(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise InputError(f"damaged gzip data: {error}") from error
    return b"".join(chunks)


def iter_sources(inputs: Iterable[str | Path]) -> Iterator[Source]:
    """Every document under the inputs, in a stable order; ids are relative to each input root."""
    for given in inputs:
        root = Path(given)
        if root.is_dir():
            yield from _walk(root)
        else:
            # An explicitly named file is read whatever its suffix; a missing one fails at read.
            yield Source(id=root.name, path=root)


def _walk(root: Path) -> Iterator[Source]:
    # followlinks=False: a symlink loop in a crawl folder cannot make the walk endless.
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders.sort()
        for name in sorted(files):
            if is_document_name(name):
                path = Path(folder) / name
                yield Source(id=path.relative_to(root).as_posix(), path=path)


def is_document_name(name: str) -> bool:
    lowered = name.lower().removesuffix(".gz")
    return lowered.endswith(DOCUMENT_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    format: Format
    encoding: str
    url: str | None


def decode(data: bytes) -> Decoded:
    """Bytes to text like a browser would: BOM, declared charset, UTF-8, then detection."""
    if not data.strip():
        raise InputError("empty document")
    encoding, body = _bom(data)
    if encoding is None:
        _refuse_binary(data)
    head = body[:SNIFF_BYTES] if encoding is None else body[: SNIFF_BYTES * 4].decode(encoding, "ignore").encode()
    is_html = _looks_like_html(head)
    text, encoding = _to_text(body, encoding, is_html)
    fmt = Format.HTML if is_html else Format.TEXT
    return Decoded(text=text, format=fmt, encoding=encoding, url=find_url(text) if is_html else None)


def _bom(data: bytes) -> tuple[str | None, bytes]:
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name, data[len(mark) :]
    return None, data


def _refuse_binary(data: bytes) -> None:
    head = data[:SNIFF_BYTES]
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise InputError(f"binary file ({what}), not a text or HTML document")
    if head.count(b"\x00") > len(head) // 100:
        raise InputError("binary file (contains NUL bytes), not a text or HTML document")


def _looks_like_html(head: bytes) -> bool:
    return bool(_HTML_START.match(head)) or len(_HTML_TAG.findall(head)) >= 3


def _to_text(body: bytes, encoding: str | None, is_html: bool) -> tuple[str, str]:
    if encoding:
        return body.decode(encoding, errors="replace"), encoding
    candidates = []
    if is_html and (declared := _META_CHARSET.search(body[:SNIFF_BYTES])):
        candidates.append(declared.group(1).decode("ascii", "ignore").lower())
    candidates.append("utf-8")
    for name in candidates:
        try:
            return body.decode(name), name
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(body[: 1 << 20]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("cp1252", errors="replace"), "cp1252"


def find_url(html: str) -> str | None:
    """The page's own URL from <link rel=canonical> or og:url, when it states one."""
    head = html[:65536]
    for pattern in _LINK_URL:
        for tag in pattern.finditer(head):
            found = _HREF_OR_CONTENT.search(tag.group(0))
            if found and found.group(1).startswith(("http://", "https://")):
                return found.group(1).strip()
    return None
