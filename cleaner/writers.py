"""Output: JSONL records or one txt/md file per document. The only stage that writes files.

Every file is written to a temporary name beside its target and renamed into place, so a
reader never sees a half-written file and an interrupted run leaves none behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, NamedTuple

import orjson

from cleaner.document import Document

FORMATS = ("jsonl", "txt", "md")
WRITE_BUFFER = 1 << 20  # bytes of JSONL buffered before a write: a record is often bigger than the default 8 KiB
# Output files are readable by all, like any file a command writes (mkstemp alone gives 0600).
OUTPUT_MODE = 0o644
_INPUT_SUFFIXES = (".gz", ".html", ".htm", ".xhtml", ".txt", ".jsonl", ".warc")


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A file (written as bytes) that appears at `path` only when the block completes without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, OUTPUT_MODE)  # mkstemp makes the file private; output is meant to be read
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def record_line(doc: Document) -> bytes:
    """The document's JSONL record: one line of JSON in UTF-8, with its line break.

    orjson writes a page's record some 30 times faster than json.dumps, and as the UTF-8 bytes
    the file takes. It refuses text that is not valid Unicode (a lone surrogate: a file name
    that is not UTF-8 becomes one in the id); such a record is written by json with \\u escapes,
    the only way JSON can carry it.
    """
    record = doc.as_record()
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return json.dumps(record).encode("ascii") + b"\n"


def record_json(doc: Document) -> str:
    """The record as a string (a column of a Ray dataset)."""
    return record_line(doc)[:-1].decode()


class Rendered(NamedTuple):
    """A cleaned document as its output holds it: what a worker hands to the writer.

    Workers render, so that the process that writes (one for the whole run) only writes: it
    neither rebuilds Document objects nor serializes them (a tuple of bytes crosses processes
    several times faster than a Document).
    """

    id: str
    error: str | None
    payload: bytes  # JSONL: the record's line; txt/md: the file's content (a failed document has no file)


def rendered(doc: Document, fmt: str) -> Rendered:
    payload = record_line(doc) if fmt == "jsonl" else render(doc, fmt).encode("utf-8")
    return Rendered(doc.id, doc.error, payload)


def render(doc: Document, fmt: str) -> str:
    """A document as plain text or Markdown (title, byline and date first in Markdown)."""
    if fmt == "txt":
        return doc.text + "\n" if doc.text else ""
    parts = [f"# {doc.title}"] if doc.title else []
    meta = " · ".join(x for x in (doc.byline, doc.date) if x)
    if meta:
        parts.append(f"*{meta}*")
    if doc.text:
        parts.append(doc.text)
    for image in doc.images:
        caption = " ".join(x for x in (image.caption, f"({image.credit})" if image.credit else None) if x)
        if caption:
            parts.append(f"> {caption}")
    return "\n\n".join(parts) + "\n" if parts else ""


def output_path(root: Path, doc_id: str, fmt: str) -> Path:
    """Where a document's file goes: the input tree mirrored under root, never outside it."""
    path_part, _, record = doc_id.replace("\0", "_").partition("#")  # no file name may hold a NUL
    # Split by hand: PurePosixPath keeps a leading "//" as a root part, which joinpath would make absolute.
    parts = [p for p in path_part.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    name = parts[-1] if parts else "document"
    lowered = name.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _INPUT_SUFFIXES:
            if lowered.endswith(suffix) and len(lowered) > len(suffix):
                name, lowered, changed = name[: -len(suffix)], lowered[: -len(suffix)], True
    if record:  # a container's record id is part of one file name, whatever it holds
        safe_record = record.replace("/", "_").replace("\\", "_")
        name = f"{name}_{safe_record}"
    return root.joinpath(*parts[:-1], f"{name}.{fmt}")


class FolderWriter:
    """One .txt or .md file per document, mirroring the input tree under a folder."""

    def __init__(self, root: Path, fmt: str):
        self.root, self.fmt = root, fmt
        root.mkdir(parents=True, exist_ok=True)

    def write(self, item: Rendered) -> None:
        if item.error:
            return
        with atomic_file(output_path(self.root, item.id, self.fmt)) as stream:
            stream.write(item.payload)


def overwritten_input(out: Path, fmt: str, inputs: Iterable[str]) -> str | None:
    """The input that writing `out` would replace or write into, if any: a run never modifies its inputs.

    JSONL replaces the file `out`; txt/md write a mirror of the inputs into the folder `out`,
    so that folder may not be an input folder or the folder of an input file.
    """
    target = out.resolve()
    for given in inputs:
        if given == "-":
            continue
        path = Path(given).resolve()
        folder = path if path.is_dir() else path.parent
        if target == path or (fmt != "jsonl" and target == folder):
            return given
    return None


# --- Sharded, resumable output -------------------------------------------------------------------

MANIFEST_NAME = "manifest.json"
# 2: JSONL goes to one growing file whose committed size the manifest records (1 kept one file per shard).
MANIFEST_VERSION = 2
PARTIAL_NAME = "output.jsonl.partial"


def work_folder(out: Path) -> Path:
    """The hidden folder beside the output where a run keeps its unfinished output and its manifest."""
    return out.parent / f".{out.name}.work"


class Manifest:
    """Which shards of a run are complete, for a run identified by its fingerprint.

    A shard is recorded only after its records are on disk (fsync), and the manifest itself is
    replaced atomically, so after a crash (even kill -9) every shard it lists is whole. For JSONL
    it also records `size`: the bytes of the unfinished output that the listed shards fill.
    """

    def __init__(self, work: Path, fingerprint: str):
        self.path, self.fingerprint = work / MANIFEST_NAME, fingerprint
        self.shards: dict[int, dict[str, int]] = {}
        self.size = 0

    def load(self) -> bool:
        """Read the shards done by an earlier run of the same fingerprint; False if there is none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if data.get("version") != MANIFEST_VERSION or data.get("fingerprint") != self.fingerprint:
            return False
        self.shards = {int(k): v for k, v in data.get("shards", {}).items()}
        self.size = int(data.get("size", 0))
        return True

    def mark_done(self, shard: int, docs: int, errors: int, size: int = 0) -> None:
        self.shards[shard], self.size = {"docs": docs, "errors": errors}, size
        data = {"version": MANIFEST_VERSION, "fingerprint": self.fingerprint, "shards": self.shards, "size": size}
        with atomic_file(self.path) as stream:
            stream.write(json.dumps(data, indent=1, sort_keys=True).encode())


class ShardedOutput:
    """Documents written shard by shard, so an interrupted run can resume where it stopped.

    Documents arrive in input order tagged with their index; index // shard_size is the shard.
    JSONL: records go to one file in the work folder, fsynced and its size recorded at the end of
    each shard; a resumed run cuts off what a killed run wrote after its last complete shard and
    appends to it, and `finish` renames it to OUT. (Writing a file per shard and merging them at
    the end cost a copy of the whole output, alone on one core after every worker had finished,
    and twice its disk space.) txt/md: files go straight to the OUT folder (each atomically);
    the manifest records shards.
    """

    def __init__(self, out: Path, fmt: str, fingerprint: str, shard_size: int, *, force: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.out, self.fmt, self.shard_size = out, fmt, shard_size
        self.work = work_folder(out)
        self.partial = self.work / PARTIAL_NAME
        self._stream: IO[bytes] | None = None  # JSONL: the unfinished output, opened at the first write
        if force:
            self.discard()
        self.manifest = Manifest(self.work, fingerprint)
        self.resumed = self.manifest.load() and self._partial_holds_shards()
        if not self.resumed:
            self.discard()  # left by a run with other arguments: its shards do not fit this run
            self.manifest = Manifest(self.work, fingerprint)
        self._shard: int | None = None
        self._docs = self._errors = 0
        self._folder = FolderWriter(out, fmt) if fmt != "jsonl" else None

    def is_done(self, index: int) -> bool:
        """Whether the document at this input index is already in a completed shard."""
        return index // self.shard_size in self.manifest.shards

    def done_counts(self) -> tuple[int, int]:
        """(documents, errors) in the shards completed by earlier runs."""
        shards = self.manifest.shards.values()
        return sum(s["docs"] for s in shards), sum(s["errors"] for s in shards)

    def write(self, index: int, item: Rendered) -> None:
        shard = index // self.shard_size
        if shard != self._shard:
            self._commit()
            self._shard, self._docs, self._errors = shard, 0, 0
        self._docs += 1
        self._errors += bool(item.error)
        if self._folder is None:
            self._output().write(item.payload)
        else:
            self._folder.write(item)

    def finish(self) -> None:
        """Commit the last shard, then (JSONL) move the output into place and remove the work folder."""
        self._commit()
        if self._folder is None:
            self._output()  # a resumed run with nothing left to write still cuts off a killed run's tail
            self._close()
            os.replace(self.partial, self.out)
        self.discard()

    def abort(self) -> None:
        """Leave the shard in progress behind; completed shards stay for the next run to resume from."""
        self._close()

    def discard(self) -> None:
        self._close()
        shutil.rmtree(self.work, ignore_errors=True)

    def _partial_holds_shards(self) -> bool:
        """Whether the unfinished JSONL output holds every shard the manifest lists (shards 0 to n-1)."""
        if self.fmt != "jsonl":
            return True
        if sorted(self.manifest.shards) != list(range(len(self.manifest.shards))):
            return False
        try:
            return self.partial.stat().st_size >= self.manifest.size
        except OSError:
            return False

    def _output(self) -> IO[bytes]:
        """The unfinished JSONL output, opened at the end of its last complete shard."""
        if self._stream is None:
            self.work.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_APPEND, OUTPUT_MODE)
            os.ftruncate(handle, self.manifest.size)  # what a killed run wrote after its last complete shard
            self._stream = os.fdopen(handle, "ab", WRITE_BUFFER)
        return self._stream

    def _close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def _commit(self) -> None:
        """The shard in progress is complete: its records reach the disk, then the manifest lists it."""
        if self._shard is None:
            return
        if self._stream is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
        self.work.mkdir(parents=True, exist_ok=True)
        size = self._stream.tell() if self._stream is not None else 0
        self.manifest.mark_done(self._shard, self._docs, self._errors, size)
        self._shard = None
