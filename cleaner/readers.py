"""Find input documents and turn their bytes into text: the only stage that reads input files."""

from __future__ import annotations

import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from charset_normalizer import from_bytes

from cleaner.document import Format
from cleaner.errors import InputError

if TYPE_CHECKING:
    from cleaner.containers import JsonlFields

DOCUMENT_SUFFIXES = (".html", ".htm", ".xhtml", ".txt")
# A decompressed document larger than this is refused: it protects against gzip bombs.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# How much of the start of a document is looked at for charset and HTML markers.
SNIFF_BYTES = 8192
# Text that is not strict UTF-8 is still read as UTF-8 (bad bytes replaced) when it holds at least
# this many valid multi-byte characters per invalid byte: a UTF-8 page with a few damaged bytes.
UTF8_VALID_PER_INVALID = 2
# Undeclared 8-bit text is read as windows-1252 (the browsers' Western default) when that gives only
# letters and common punctuation, with accented letters at most this share of all letters: French or
# German prose. Cyrillic or Greek read as cp1252 is mostly accented "letters", Polish gives symbols
# (¿ ³ ¹); those go to charset detection, which on short Western text guesses Baltic or Central European.
CP1252_MAX_ACCENTED_SHARE = 0.25
_CP1252_PUNCTUATION = frozenset("\u00a0«»°·×÷©®™§¶€£¥¢‘’‚“”„–—…•†‡‰‹›¡¿ªº")

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
_MAGIC_NUMBERS = tuple(magic for magic, _ in _BINARY_MAGIC)
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
    """One input document: a file on disk, or a record of a container file (WARC, JSONL) or stdin.

    A container record carries its bytes and URL (`data`, `url`) or, when it could not be read,
    `error`; a plain file is read only when its bytes are needed, so listing a crawl stays cheap.
    """

    id: str
    path: Path
    data: bytes | None = None
    url: str | None = None
    error: str | None = None

    def read_bytes(self) -> bytes:
        """The document's bytes, decompressed when it ends in .gz, never beyond MAX_DOCUMENT_BYTES."""
        if self.error is not None:
            raise InputError(self.error)
        if self.data is not None:
            return self.data
        try:
            # Non-blocking: opening a FIFO must not wait for a writer; fstat then turns it away.
            with open(os.open(self.path, os.O_RDONLY | os.O_NONBLOCK), "rb", buffering=0) as stream:
                info = os.fstat(stream.fileno())
                if not stat.S_ISREG(info.st_mode):  # a FIFO would block the worker, /dev/zero never end
                    raise InputError("not a regular file (a FIFO, socket or device)")
                if self.path.name.lower().endswith(".gz"):
                    return _gunzip_capped(stream)
                if info.st_size > MAX_DOCUMENT_BYTES:
                    raise InputError(f"larger than {MAX_DOCUMENT_BYTES // 2**20} MiB")
                return stream.readall()
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}") from error


def _gunzip_capped(raw: BinaryIO) -> bytes:
    chunks, total = [], 0
    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > MAX_DOCUMENT_BYTES:
                    raise InputError(f"decompresses to more than {MAX_DOCUMENT_BYTES // 2**20} MiB")
                chunks.append(chunk)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise InputError(f"damaged gzip data: {error}") from error
    return b"".join(chunks)


def iter_sources(inputs: Iterable[str | Path], fields: JsonlFields | None = None) -> Iterator[Source]:
    """Every document under the inputs, in a stable order; ids are relative to each input root.

    `-` is standard input; WARC and JSONL files named explicitly yield one Source per record
    (`id#N`), read lazily; `fields` names the JSONL fields. Folders are walked for documents and
    WARC files; JSONL only when named, because JSONL is also what a run writes.
    """
    from cleaner import containers  # containers builds on Source: imported here to avoid a cycle

    for given in inputs:
        if str(given) == containers.STDIN_NAME:
            yield from containers.iter_stdin(fields)
            continue
        root = Path(given)
        if root.is_dir():
            yield from _walk(root, fields)
        elif containers.container_kind(root.name):
            yield from containers.iter_container(root, root.name, fields)
        else:
            # An explicitly named file is read whatever its suffix; a missing one fails at read.
            yield Source(id=root.name, path=root)


def _walk(root: Path, fields: JsonlFields | None) -> Iterator[Source]:
    from cleaner import containers

    # followlinks=False: a symlink loop in a crawl folder cannot make the walk endless.
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders.sort()
        here = Path(folder)
        prefix = here.relative_to(root).as_posix() + "/" if here != root else ""  # once per folder, not per file
        for name in sorted(files):
            if is_document_name(name):
                yield Source(id=prefix + name, path=here / name)
            elif containers.container_kind(name) == "warc":
                yield from containers.iter_container(here / name, prefix + name, fields)


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
    if not data or data.isspace():  # not data.strip(): that copies the whole document
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
    # The common case, text, in few C calls: no magic number at the start, no NUL byte in the head.
    if data.startswith(_MAGIC_NUMBERS):
        what = next(what for magic, what in _BINARY_MAGIC if data.startswith(magic))
        raise InputError(f"binary file ({what}), not a text or HTML document")
    head = data[:SNIFF_BYTES]
    if b"\x00" in head and head.count(b"\x00") > len(head) // 100:
        raise InputError("binary file (contains NUL bytes), not a text or HTML document")


def _looks_like_html(head: bytes) -> bool:
    if b"<" not in head:  # the common plain-text case, without running the tag patterns
        return False
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
        except (LookupError, ValueError):  # ValueError: any UnicodeError, e.g. charset="undefined" or "idna"
            continue
    if _mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"
    if _plausible_cp1252(body):
        return body.decode("cp1252"), "cp1252"
    best = from_bytes(body[: 1 << 20]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("cp1252", errors="replace"), "cp1252"


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 with a few damaged bytes, as browsers read it: valid multi-byte characters outnumber the bad bytes.

    Without this, one stray byte sends a UTF-8 page to charset detection, which then turns every
    accented letter and typographic quote of the page into mojibake. Text in a legacy 8-bit
    charset almost never forms valid multi-byte UTF-8 sequences, so it still goes to detection.
    """
    decoded = body.decode("utf-8", errors="replace")
    invalid = decoded.count("\ufffd") - body.count("\ufffd".encode())
    non_ascii = len(decoded) - len(decoded.encode("ascii", "ignore")) - decoded.count("\ufffd")
    return non_ascii >= UTF8_VALID_PER_INVALID * invalid


def _plausible_cp1252(body: bytes) -> bool:
    """Whether undeclared 8-bit bytes read as windows-1252 look like Western prose (see CP1252_MAX_ACCENTED_SHARE)."""
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        return False
    accented = letters = 0
    for char in text:
        if char.isascii():
            letters += char.isalpha()
        elif char.isalpha():
            accented += 1
            letters += 1
        elif char not in _CP1252_PUNCTUATION:
            return False
    return accented <= CP1252_MAX_ACCENTED_SHARE * letters


def find_url(html: str) -> str | None:
    """The page's own URL from <link rel=canonical> or og:url, when it states one."""
    head = html[:65536]
    for pattern in _LINK_URL:
        for tag in pattern.finditer(head):
            found = _HREF_OR_CONTENT.search(tag.group(0))
            if found and found.group(1).startswith(("http://", "https://")):
                return found.group(1).strip()
    return None
