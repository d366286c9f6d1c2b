"""writers: atomic files, output paths that stay inside the output folder, JSONL records, txt and md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RECORD_FIELDS
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.document import Document, Format, Image
from cleaner.writers import (
    FolderWriter,
    ShardedOutput,
    atomic_file,
    output_path,
    record_line,
    render,
    rendered,
)


def full_doc(id: str = "a/page.html.gz") -> Document:
    return Document(
        id=id,
        url="https://www.defense.gov/News/x",
        site="defense.gov",
        format=Format.HTML,
        title="Hegseth Meets Healey",
        date="2025-03-06",
        byline="Matthew Olay",
        authors=["Matthew Olay"],
        byline_source="DOD News",
        images=[Image(caption="Two men walk.", credit="Navy Petty Officer 1st Class A. K., DOD", id="250306-D-X")],
        text="First paragraph, with “quotes” and é.\n\nSecond paragraph.",
        rules=["us-gov-banner.lines"],
    )


class Boom(Exception):
    pass


# --- atomic writes --------------------------------------------------------------------------


def test_atomic_file_appears_only_on_success(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    with atomic_file(target) as stream:
        stream.write(b"hello")
        assert not target.exists(), "nothing at the target while writing"
    assert target.read_text() == "hello"
    assert list(target.parent.iterdir()) == [target]


def test_atomic_file_leaves_no_file_on_exception(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(Boom), atomic_file(target) as stream:
        stream.write(b"half")
        raise Boom
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_keeps_the_old_file_on_exception(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(Boom), atomic_file(target) as stream:
        stream.write(b"new")
        raise Boom
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_sharded_output_aborted_leaves_no_output(tmp_path):
    target = tmp_path / "out.jsonl"
    output = ShardedOutput(target, "jsonl", "run", shard_size=10)
    output.write(0, rendered(full_doc(), "jsonl"))
    output.abort()
    assert not target.exists()


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        ShardedOutput(tmp_path / "x", "csv", "run", shard_size=10)


# --- output_path ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "expected"),
    [
        ("page.txt", "page.txt"),
        ("a/b/page.html.gz", "a/b/page.txt"),
        ("a/PAGE.HTM", "a/PAGE.txt"),
        ("feed.jsonl#3", "feed_3.txt"),
        ("story.2025.txt", "story.2025.txt"),
        ("", "document.txt"),
    ],
)
def test_output_path_mirrors_the_input_tree(tmp_path, doc_id, expected):
    assert output_path(tmp_path, doc_id, "txt") == tmp_path / expected


@pytest.mark.parametrize(
    "doc_id",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "a/../../../escape.txt",
        "..\\..\\windows\\win.ini",
        "./../x.html",
        "..",
        "/",
    ],
)
def test_output_path_never_escapes_the_output_folder(tmp_path, doc_id):
    root = tmp_path / "out"
    path = output_path(root, doc_id, "md").resolve()
    assert path.is_relative_to(root.resolve())
    assert path != root.resolve()
    assert path.suffix == ".md"


# --- JSONL ----------------------------------------------------------------------------------


def test_record_fields_and_order_exactly():
    record = json.loads(record_line(full_doc()))
    assert list(record) == RECORD_FIELDS
    assert record["format"] == "html"
    assert record["images"] == [
        {
            "caption": "Two men walk.",
            "credit": "Navy Petty Officer 1st Class A. K., DOD",
            "alt": None,
            "src": None,
            "id": "250306-D-X",
            "title": None,
        }
    ]
    assert record["error"] is None


def test_record_is_one_line_of_unescaped_utf8():
    line = record_line(full_doc()).decode("utf-8")
    assert line.endswith("\n") and line.count("\n") == 1
    assert "“quotes” and é" in line


def test_a_record_holding_text_that_is_not_unicode_is_escaped_not_lost():
    doc = Document(id="caf\udce9.txt", text="body")  # a file name that is not UTF-8, as Python decodes it
    line = record_line(doc)
    assert line.isascii() and json.loads(line)["id"] == "caf\udce9.txt"


def test_error_record_has_every_field():
    record = json.loads(record_line(Document(id="bad.png.txt", error="binary file (a PNG image)")))
    assert list(record) == RECORD_FIELDS
    assert record["error"] == "binary file (a PNG image)"
    assert record["text"] == ""


def test_sharded_output_writes_records_in_order(tmp_path):
    target = tmp_path / "deep" / "out.jsonl"
    output = ShardedOutput(target, "jsonl", "run", shard_size=2)
    for index, name in enumerate(("b.txt", "a.txt", "c.txt")):
        output.write(index, rendered(full_doc(name), "jsonl"))
    output.finish()
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["b.txt", "a.txt", "c.txt"]
    assert list(target.parent.iterdir()) == [target], "no work folder or temporary file left"


def test_sharded_output_resumes_after_its_last_complete_shard(tmp_path):
    """What an interrupted run wrote past its last complete shard is cut off, then written again."""
    names = [f"{n}.txt" for n in range(5)]
    whole = tmp_path / "whole.jsonl"
    output = ShardedOutput(whole, "jsonl", "run", shard_size=2)
    for index, name in enumerate(names):
        output.write(index, rendered(full_doc(name), "jsonl"))
    output.finish()
    target = tmp_path / "out.jsonl"
    interrupted = ShardedOutput(target, "jsonl", "run", shard_size=2)
    for index, name in enumerate(names[:3]):  # shard 0 complete, shard 1 half written
        interrupted.write(index, rendered(full_doc(name), "jsonl"))
    interrupted._stream.flush()  # as if killed after its buffer reached the disk
    interrupted.abort()  # killed
    resumed = ShardedOutput(target, "jsonl", "run", shard_size=2)
    assert resumed.resumed and [resumed.is_done(i) for i in range(5)] == [True, True, False, False, False]
    for index, name in enumerate(names[2:], start=2):
        resumed.write(index, rendered(full_doc(name), "jsonl"))
    resumed.finish()
    assert target.read_bytes() == whole.read_bytes()
    assert not ShardedOutput(target, "jsonl", "other run", shard_size=2).resumed


# --- txt and md -----------------------------------------------------------------------------


def test_render_txt_is_the_body():
    assert render(full_doc(), "txt") == "First paragraph, with “quotes” and é.\n\nSecond paragraph.\n"
    assert render(Document(id="x"), "txt") == ""


def test_render_md_has_title_meta_body_and_captions():
    assert render(full_doc(), "md") == (
        "# Hegseth Meets Healey\n\n"
        "*Matthew Olay · 2025-03-06*\n\n"
        "First paragraph, with “quotes” and é.\n\nSecond paragraph.\n\n"
        "> Two men walk. (Navy Petty Officer 1st Class A. K., DOD)\n"
    )


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_folder_writer_mirrors_the_input_tree_and_skips_errors(tmp_path: Path, fmt):
    root = tmp_path / "out"
    writer = FolderWriter(root, fmt)
    writer.write(rendered(full_doc("x/y/page.html.gz"), fmt))
    writer.write(rendered(full_doc("top.txt"), fmt))
    writer.write(rendered(Document(id="x/bad.txt", error="empty document"), fmt))
    written = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert written == sorted([f"x/y/page.{fmt}", f"top.{fmt}"])
    assert "Second paragraph." in (root / f"top.{fmt}").read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(doc_id=st.text(alphabet=st.sampled_from("ab./\\#:~ \x00é"), max_size=30))
def test_output_path_stays_inside_for_any_id(tmp_path_factory, doc_id):
    root = tmp_path_factory.getbasetemp() / "out"
    path = output_path(root, doc_id, "txt")
    assert path.is_relative_to(root)
    assert ".." not in path.relative_to(root).parts
    assert path.name.endswith(".txt") and path != root
