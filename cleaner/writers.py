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
from typing import IO

import orjson

from cleaner.document import Document

FORMATS = ("jsonl", "txt", "md")
WRITE_BUFFER = 1 << 20  # bytes buffered before a binary output file is written to
# Output files are readable by all, like any file a command writes (mkstemp alone gives 0600).
OUTPUT_MODE = 0o644
_INPUT_SUFFIXES = (".gz", ".html", ".htm", ".xhtml", ".txt", ".jsonl", ".warc")


@contextmanager
def atomic_file(path: Path, temp_dir: Path | None = None, *, binary: bool = False) -> Iterator[IO]:
    """A file (UTF-8 text, or bytes when `binary`) that appears at `path` only when the block completes
    without error.

    `temp_dir` (on the same file system) holds the file while it is written: a folder that is
    removed later, so that even a kill -9 mid-write leaves nothing beside `path`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if temp_dir is not None:
        temp_dir.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=temp_dir or path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temp, OUTPUT_MODE)  # mkstemp makes the file private; output is meant to be read
        if binary:  # a large buffer: a record is often bigger than the default 8 KiB, a write call each
            opened = os.fdopen(handle, "wb", WRITE_BUFFER)
        else:
            opened = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
        with opened as stream:
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


class JsonlWriter:
    """All records in one JSONL file, in input order; the file appears when the run ends."""

    def __init__(self, path: Path):
        self.path = path
        self._context = atomic_file(path, binary=True)
        self._stream = self._context.__enter__()

    def write(self, doc: Document) -> None:
        self._stream.write(record_line(doc))

    def close(self, failed: BaseException | None = None) -> None:
        if failed is None:
            self._context.__exit__(None, None, None)
        else:
            self._context.__exit__(type(failed), failed, failed.__traceback__)


class FolderWriter:
    """One .txt or .md file per document, mirroring the input tree under a folder."""

    def __init__(self, root: Path, fmt: str):
        self.root, self.fmt = root, fmt
        root.mkdir(parents=True, exist_ok=True)

    def write(self, doc: Document) -> None:
        if doc.error:
            return
        with atomic_file(output_path(self.root, doc.id, self.fmt)) as stream:
            stream.write(render(doc, self.fmt))

    def close(self, failed: BaseException | None = None) -> None:
        return None


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


def open_writer(out: Path, fmt: str) -> JsonlWriter | FolderWriter:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return JsonlWriter(out) if fmt == "jsonl" else FolderWriter(out, fmt)


# --- Sharded, resumable output -------------------------------------------------------------------

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def work_folder(out: Path) -> Path:
    """The hidden folder beside the output where a run keeps finished shards and its manifest."""
    return out.parent / f".{out.name}.work"


def shard_path(work: Path, shard: int) -> Path:
    return work / f"shard-{shard:06d}.jsonl"


class Manifest:
    """Which shards of a run are complete, for a run identified by its fingerprint.

    A shard is recorded only after its file has been renamed into place, and the manifest itself
    is replaced atomically, so after a crash (even kill -9) every shard it lists is whole.
    """

    def __init__(self, work: Path, fingerprint: str):
        self.path, self.fingerprint = work / MANIFEST_NAME, fingerprint
        self.shards: dict[int, dict[str, int]] = {}

    def load(self) -> bool:
        """Read the shards done by an earlier run of the same fingerprint; False if there is none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if data.get("version") != MANIFEST_VERSION or data.get("fingerprint") != self.fingerprint:
            return False
        self.shards = {int(k): v for k, v in data.get("shards", {}).items()}
        return True

    def mark_done(self, shard: int, docs: int, errors: int) -> None:
        self.shards[shard] = {"docs": docs, "errors": errors}
        data = {"version": MANIFEST_VERSION, "fingerprint": self.fingerprint, "shards": self.shards}
        with atomic_file(self.path) as stream:
            json.dump(data, stream, indent=1, sort_keys=True)


class ShardedOutput:
    """Documents written shard by shard, so an interrupted run can resume where it stopped.

    Documents arrive in input order tagged with their index; index // shard_size is the shard.
    JSONL: each shard is a file in the work folder, merged into OUT atomically by `finish`.
    txt/md: files go straight to the OUT folder (each atomically); the manifest records shards.
    """

    def __init__(self, out: Path, fmt: str, fingerprint: str, shard_size: int, *, force: bool = False):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.out, self.fmt, self.shard_size = out, fmt, shard_size
        self.work = work_folder(out)
        if force:
            self.discard()
        self.manifest = Manifest(self.work, fingerprint)
        self.resumed = self.manifest.load()
        if not self.resumed:
            self.discard()  # left by a run with other arguments: its shards do not fit this run
        self._shard: int | None = None
        self._docs = self._errors = 0
        self._context = None
        self._stream: IO[bytes] | None = None
        self._folder = FolderWriter(out, fmt) if fmt != "jsonl" else None

    def is_done(self, index: int) -> bool:
        """Whether the document at this input index is already in a completed shard."""
        return index // self.shard_size in self.manifest.shards

    def done_counts(self) -> tuple[int, int]:
        """(documents, errors) in the shards completed by earlier runs."""
        shards = self.manifest.shards.values()
        return sum(s["docs"] for s in shards), sum(s["errors"] for s in shards)

    def write(self, index: int, doc: Document) -> None:
        shard = index // self.shard_size
        if shard != self._shard:
            self._commit()
            self._open(shard)
        self._docs += 1
        self._errors += bool(doc.error)
        if self._stream is not None:
            self._stream.write(record_line(doc))
        else:
            self._folder.write(doc)

    def finish(self) -> None:
        """Commit the last shard, then (JSONL) merge every shard into OUT and remove the work folder."""
        self._commit()
        if self.fmt == "jsonl":
            with atomic_file(self.out, temp_dir=self.work, binary=True) as stream:
                for shard in sorted(self.manifest.shards):
                    with shard_path(self.work, shard).open("rb") as part:
                        shutil.copyfileobj(part, stream, 1 << 20)
        self.discard()

    def abort(self, failed: BaseException) -> None:
        """Drop the shard in progress; completed shards stay for the next run to resume from."""
        if self._context is not None:
            self._context.__exit__(type(failed), failed, failed.__traceback__)
            self._context = self._stream = None

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    def _open(self, shard: int) -> None:
        self._shard, self._docs, self._errors = shard, 0, 0
        if self.fmt == "jsonl":
            self._context = atomic_file(shard_path(self.work, shard), binary=True)
            self._stream = self._context.__enter__()

    def _commit(self) -> None:
        if self._shard is None:
            return
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = self._stream = None
        self.work.mkdir(parents=True, exist_ok=True)
        self.manifest.mark_done(self._shard, self._docs, self._errors)
        self._shard = None
