"""Robustness (issue 8): nasty inputs, hostile rule files, output safety and faults.

Every nasty input is generated into tmp_path beside good documents and the whole corpus goes
through the real command line in a subprocess, so a crash, a hang or a memory blow-up in any
stage (C parsers included) shows as a failed run, not as a skipped unit. Faults that need a
precise moment (a file vanishing, a disk filling up, a kill -9 inside the final merge) are
injected by patching one function, in this process or in a subprocess that then runs the CLI.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from cleaner import runner as runner_module
from cleaner.cli import app
from cleaner.errors import RuleError
from cleaner.html_depth import flatten_deep_nesting, hit_parser_limit
from cleaner.pipeline import Cleaner
from cleaner.progress import ErrorLines
from cleaner.rules import MAX_MATCH_CHARS, MAX_PROGRAM_SIZE, MAX_RULE_FILE_BYTES, load_rule_file
from cleaner.runner import RunConfig
from cleaner.writers import output_path, rendered, work_folder

# Bounds the nasty-corpus run must stay within (the 20 MB line dominates both).
MAX_RUN_SECONDS = 150
MAX_RUN_RSS_MB = 1536
# A hostile pattern over a hostile document must finish well inside this.
MAX_HOSTILE_RULE_SECONDS = 10

PARAGRAPHS = [
    f"Paragraph {n} of an ordinary article: the harbour council met on Tuesday and agreed the budget for "
    f"the new sea wall, after residents asked for a timetable and for the footpath to stay open."
    for n in range(1, 7)
]
GOOD_TEXT = "Harbour Council Approves Sea Wall\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
GOOD_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour Council Approves Sea Wall</title></head>"
    "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Harbour Council Approves Sea Wall</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><footer>Copyright 2025 Harbour Gazette</footer></body></html>"
)

# Running the CLI in a subprocess that reports its own and its workers' peak memory when it ends.
_MEASURED_CLI = """
import resource, sys
from cleaner.cli import app
try:
    app(sys.argv[2:])
finally:
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    open(sys.argv[1], "w").write(str(peak))
"""


@dataclass(frozen=True)
class Nasty:
    """One nasty input and what the run must make of it."""

    name: str
    data: bytes
    error: str | None  # a word the record's error must contain; None: cleaned without error
    keeps: str = ""  # text the body must contain when it is cleaned


def _gzip_bomb(decompressed: int) -> bytes:
    """Gzip data that inflates ~1000:1 to `decompressed` bytes of spaces, built in constant memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    parts = [packer.compress(block) for _ in range(decompressed >> 20)]
    return b"".join([*parts, packer.flush()])


def _warc_record(body: bytes, number: int) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    headers = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000000{number}>\r\n"
        f"WARC-Date: 2025-01-01T00:00:00Z\r\nWARC-Target-URI: https://news.example.com/{number}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return headers.encode() + http + b"\r\n\r\n"


def nasty_inputs() -> list[Nasty]:
    """The nasty corpus of issue 8, each input built from scratch (nothing is read from disk)."""
    text_bytes = GOOD_TEXT.encode()
    middle = len(text_bytes) // 2
    good_gz = gzip.compress(GOOD_HTML.encode())
    warc_page = _warc_record(GOOD_HTML.encode(), 1)
    deep = (
        f"<html><body><p>{PARAGRAPHS[0]}</p>" + "<div>" * 200_000 + f"<p>{PARAGRAPHS[1]}</p>" + "</div>" * 200_000
    ).encode() + f"<p>{PARAGRAPHS[5]}</p></body></html>".encode()  # the parser stops at 256 levels: flattened
    latin1 = ("<html><body><p>" + "Café crème à la française, déjà vu au théâtre. " * 12 + "</p></body></html>").encode(
        "latin-1"
    )
    return [
        Nasty("empty.txt", b"", "empty"),
        Nasty("nul.txt", b"text\x00\x00\x00more" * 200, "NUL"),
        Nasty("picture.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG"),
        Nasty("latin1.html", latin1, None, "Café crème à la française"),
        Nasty("utf16.txt", b"\xff\xfe" + GOOD_TEXT.encode("utf-16-le"), None, PARAGRAPHS[2]),
        Nasty("bad-utf8.txt", text_bytes[:middle] + b"\xff\xfe\xc3\x28" + text_bytes[middle:], None, PARAGRAPHS[0]),
        Nasty("one-line.txt", b"word " * (4 << 20), None, "word word"),
        Nasty("deep.html", deep, None, PARAGRAPHS[5]),
        Nasty("malformed.html", b"<html><body><p>Unclosed <b><i>tags <table><td>cell</p></span></html><p>after", None),
        Nasty("truncated.html.gz", good_gz[: len(good_gz) // 2], "gzip"),
        Nasty("bomb.html.gz", _gzip_bomb(100 << 20), "decompresses to more than"),
        Nasty("control.txt", bytes(range(1, 9)) + text_bytes + b"\x1b[31m\x7f", None, PARAGRAPHS[1]),
        Nasty("truncated.warc", warc_page + _warc_record(GOOD_HTML.encode(), 2)[:400], "WARC"),
        Nasty("garbage.warc", warc_page + b"not a WARC header\r\n\r\n", "WARC"),
    ]


def build_corpus(root: Path) -> list[Nasty]:
    """Good documents, every nasty input, and a symlink loop, under root."""
    root.mkdir(parents=True)
    (root / "good").mkdir()
    (root / "good" / "article.html").write_text(GOOD_HTML, encoding="utf-8")
    (root / "good" / "article.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "nasty").mkdir()
    cases = nasty_inputs()
    for case in cases:
        (root / "nasty" / case.name).write_bytes(case.data)
    (root / "loop").mkdir()
    (root / "loop" / "again").symlink_to("..", target_is_directory=True)  # a folder loop
    (root / "loop" / "self.html").symlink_to("self.html")  # a file that is its own link
    os.mkfifo(root / "nasty" / "pipe.html")  # opening it would block forever
    return cases


def tree_digest(root: Path) -> dict[str, str]:
    """Path -> sha256 (or link target) of everything under root, without following links or opening FIFOs."""
    digest = {}
    for folder, _subfolders, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                digest[key] = "link to " + os.readlink(path)
            elif not path.is_file():
                digest[key] = "not a regular file"  # a FIFO: opening it would block
            else:
                digest[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def by_id(jsonl: Path) -> dict[str, dict]:
    return {record["id"]: record for record in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}


@dataclass(frozen=True)
class CorpusRun:
    cases: list[Nasty]
    records: dict[str, dict]
    stderr: str
    seconds: float
    peak_mb: float
    returncode: int
    untouched: bool


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """The whole nasty corpus through `cleaner clean` in a subprocess, once for every test below."""
    base = tmp_path_factory.mktemp("nasty")
    cases = build_corpus(base / "crawl")
    before = tree_digest(base / "crawl")
    out, peak = base / "out.jsonl", base / "peak"
    command = [sys.executable, "-c", _MEASURED_CLI, str(peak), "clean", str(base / "crawl"), "-o", str(out), "-w", "2"]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=MAX_RUN_SECONDS * 2)
    seconds = time.monotonic() - started
    assert out.exists(), result.stderr
    return CorpusRun(
        cases=cases,
        records=by_id(out),
        stderr=result.stderr,
        seconds=seconds,
        peak_mb=int(peak.read_text()) / 1024,
        returncode=result.returncode,
        untouched=tree_digest(base / "crawl") == before,
    )


def test_the_run_finishes_within_bounds(corpus_run: CorpusRun) -> None:
    assert corpus_run.returncode == 0, corpus_run.stderr
    assert corpus_run.seconds < MAX_RUN_SECONDS
    assert corpus_run.peak_mb < MAX_RUN_RSS_MB


def test_good_documents_are_cleaned_as_usual(corpus_run: CorpusRun) -> None:
    reference = Cleaner()
    for name, data in (("article.html", GOOD_HTML), ("article.txt", GOOD_TEXT)):
        record = corpus_run.records[f"good/{name}"]
        expected = reference.clean(data.encode(), id=name)
        assert record["error"] is None
        assert record["text"] == expected.text and PARAGRAPHS[3] in record["text"]


@pytest.mark.parametrize("case", nasty_inputs(), ids=lambda case: case.name)
def test_each_nasty_input_gets_a_record(corpus_run: CorpusRun, case: Nasty) -> None:
    """A bad input has a record with a clear error, named once on stderr; a merely odd one is cleaned."""
    record_id = f"nasty/{case.name}"
    if case.name.endswith(".warc"):
        good, bad = corpus_run.records[f"{record_id}#1"], corpus_run.records[f"{record_id}#2"]
        assert good["error"] is None and PARAGRAPHS[0] in good["text"]
        record_id, record = f"{record_id}#2", bad
    else:
        record = corpus_run.records[record_id]
    if case.error is None:
        assert record["error"] is None
        assert case.keeps in record["text"]
        assert not any(ord(c) < 32 and c not in "\n\t" for c in record["text"][:100_000])
        assert record_id not in corpus_run.stderr
    else:
        assert case.error.lower() in (record["error"] or "").lower()
        assert record["text"] == ""
        assert corpus_run.stderr.count(f"{record_id}:") == 1


def test_symlink_loops_end_the_walk(corpus_run: CorpusRun) -> None:
    assert not any(record_id.startswith("loop/again") for record_id in corpus_run.records)
    assert "symbolic links" in corpus_run.records["loop/self.html"]["error"]


def test_a_fifo_is_refused_without_blocking(corpus_run: CorpusRun) -> None:
    assert "not a regular file" in corpus_run.records["nasty/pipe.html"]["error"]
    assert corpus_run.stderr.count("nasty/pipe.html:") == 1


def test_inputs_are_never_modified(corpus_run: CorpusRun) -> None:
    assert corpus_run.untouched


def test_flattening_keeps_every_word_and_leaves_shallow_pages_alone() -> None:
    shallow = GOOD_HTML
    assert flatten_deep_nesting(shallow) == shallow
    assert not hit_parser_limit(lxml_html.fromstring(shallow))
    deep = "<div>" * 1000 + "<p>deep words</p>" + "</div>" * 1000 + "<p>after</p>"
    assert not hit_parser_limit(lxml_html.fromstring(flatten_deep_nesting(deep)))
    assert lxml_html.fromstring(flatten_deep_nesting(deep)).text_content() == "deep wordsafter"


# --- Faults during a run that need a precise moment: patched in this process ---------------------


def _clean(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["clean", *map(str, args), "-w", "1", "-q"])
    return result.exit_code, result.stderr


def _serial_engine(todo, config: RunConfig):
    """Cleans in this process, so that a patched read applies (worker processes start fresh)."""
    cleaner = config.settings.build()
    for index, source in todo:
        yield index, rendered(cleaner.clean_source(source), config.fmt)


def test_unreadable_and_vanished_files_are_errors_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 000 does not stop root, so a read that raises PermissionError stands in for it when needed."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for name in ("a-good.txt", "locked.txt", "vanishing.txt", "z-good.html"):
        (crawl / name).write_text(GOOD_HTML if name.endswith(".html") else GOOD_TEXT, encoding="utf-8")
    (crawl / "locked.txt").chmod(0)
    if os.geteuid() == 0:
        real_open = os.open

        def refuse_locked(path, flags, *args, **kwargs):  # the open the reader makes (tempfile's others pass)
            if Path(path).name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse_locked)
    real_sources = runner_module.iter_sources

    def delete_after_listing(inputs, fields=None):
        for source in real_sources(inputs, fields):
            if source.id == "vanishing.txt":
                source.path.unlink()  # listed by the walk, gone before it is read
            yield source

    monkeypatch.setattr(runner_module, "iter_sources", delete_after_listing)
    out, stderr = tmp_path / "out.jsonl", io.StringIO()
    stats = runner_module.run(RunConfig(inputs=(str(crawl),), out=out), ErrorLines(stderr), clean_all=_serial_engine)
    records = by_id(out)
    assert stats.total == 4 and stats.total_errors == 2
    assert "Permission denied" in records["locked.txt"]["error"]
    assert "No such file" in records["vanishing.txt"]["error"]
    assert records["a-good.txt"]["error"] is None and records["z-good.html"]["error"] is None
    assert stderr.getvalue().count("locked.txt:") == 1 and stderr.getvalue().count("vanishing.txt:") == 1


def test_a_jsonl_record_with_a_lone_surrogate_does_not_stop_the_run(tmp_path: Path) -> None:
    """JSON may escape a lone surrogate, which no UTF-8 encoder accepts: found by the property tests."""
    crawl = tmp_path / "pages.jsonl"
    rows = [{"url": "https://a.example/1", "html": GOOD_HTML.replace("Paragraph 1", "Paragraph \ud800 1")}]
    rows.append({"url": "https://a.example/2", "text": GOOD_TEXT})
    crawl.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, stderr = _clean(crawl, "-o", out)
    records = by_id(out)
    assert code == 0, stderr
    assert records["pages.jsonl#1"]["error"] is None and PARAGRAPHS[2] in records["pages.jsonl#1"]["text"]
    assert records["pages.jsonl#2"]["error"] is None


# --- Hostile rule files --------------------------------------------------------------------------

RULE_HEADER = 'schema_version = 1\nid = "hostile"\n\n[scope]\neverywhere = true\n\n'


def _rule_file(tmp_path: Path, body: str | bytes, name: str = "hostile.toml") -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(body if isinstance(body, bytes) else (RULE_HEADER + body).encode())
    return path


CATASTROPHIC = ["(a+)+$", "(a|aa)*c", "(x+x+)+y", "(.*a){20}", "(?:.*a.{30}){20}", "(.*){1000}", "(\\w+\\s?)+!"]

# Applies each rule file (argv[2:]) to the lines of a document (argv[1]) and prints
# {file: seconds, or the load error}, so one interpreter start serves every pattern.
_TIME_RULES = """
import json, sys, time
from cleaner.document import Document
from cleaner.errors import RuleError
from cleaner.html_depth import flatten_deep_nesting, hit_parser_limit
from cleaner.rules import load_rule_file
from cleaner.text import apply_rules, normalize_text, split_lines
raw = open(sys.argv[1], encoding="utf-8").read()
timings = {}
for path in sys.argv[2:]:
    try:
        rule_file = load_rule_file(path)
    except RuleError as error:
        timings[path] = str(error)
        continue
    doc = Document(id="hostile", lines=split_lines(normalize_text(raw)))
    started = time.monotonic()
    apply_rules(doc, [rule_file])
    timings[path] = time.monotonic() - started
print(json.dumps(timings))
"""


@pytest.fixture(scope="module")
def hostile_timings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float | str]:
    """Seconds each catastrophic pattern (as a pattern and as a block rule) takes on a hostile document.

    The document has 300 lines at the length limit built to make backtracking explode, one 2 MB
    line, and prose; Python's re would not finish the first line with most of these patterns.
    """
    folder = tmp_path_factory.mktemp("hostile")
    paths = []
    for number, pattern in enumerate(CATASTROPHIC):
        quoted = json.dumps(pattern)  # a TOML basic string is a JSON string
        rules = (
            f'[[rule]]\nid = "evil"\nkind = "pattern"\npattern = {quoted}\n\n'
            f'[[rule]]\nid = "evil-block"\nkind = "block"\nstart = {quoted}\nend = {quoted}\n'
        )
        path = folder / f"rules-{number}.toml"
        path.write_text(RULE_HEADER + rules, encoding="utf-8")
        paths.append(str(path))
    hostile = folder / "hostile.txt"
    hostile.write_text("\n".join(["a" * (MAX_MATCH_CHARS - 1) + "!"] * 300 + ["xa" * (1 << 20), GOOD_TEXT]))
    command = [sys.executable, "-c", _TIME_RULES, str(hostile), *paths]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)  # a hang fails here
    assert result.returncode == 0, result.stderr
    timings = json.loads(result.stdout)
    return {pattern: timings[path] for pattern, path in zip(CATASTROPHIC, paths, strict=True)}


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_cannot_hang(hostile_timings: dict[str, float | str], pattern: str) -> None:
    """RE2 matches in time linear in the text, and a program too big to stay fast is refused at load."""
    timing = hostile_timings[pattern]
    if isinstance(timing, str):
        assert "too complex" in timing
    else:
        assert timing < MAX_HOSTILE_RULE_SECONDS


def test_a_pattern_too_complex_for_linear_time_is_rejected(tmp_path: Path) -> None:
    huge = "(?:.*a.{40}){24}(?:.*b.{40}){24}"  # within RE2's repetition limit, over MAX_PROGRAM_SIZE
    path = _rule_file(tmp_path, f'[[rule]]\nid = "huge"\nkind = "pattern"\npattern = "{huge}"\n')
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert caught.value.path == str(path) and caught.value.line == 7
    assert f"> {MAX_PROGRAM_SIZE}" in caught.value.reason


# name -> (text after RULE_HEADER, or a whole file as bytes; the line the error must name; its reason).
HOSTILE_FILES = {
    "backreference": ('[[rule]]\nid = "r"\nkind = "pattern"\npattern = "(a)\\\\1"\n', 7, "RE2 syntax"),
    "bad-toml": ('[[rule]]\nid = "r"\nkind = "line"\nlines = ["unclosed\n', 10, "invalid TOML"),
    "unknown-rule-key": ('[[rule]]\nid = "r"\nkind = "line"\nlines = ["a"]\ncolour = "red"\n', 7, "unknown key"),
    "unknown-scope-key": ('owner = "me"\n', 7, "unknown key"),
    "unknown-file-key": (b'schema_version = 1\nid = "x"\nowner = "me"\n[scope]\neverywhere = true\n', 3, "unknown key"),
    "wrong-type-lines": ('[[rule]]\nid = "r"\nkind = "line"\nlines = "not a list"\n', 7, "must be a list"),
    "wrong-type-enabled": ('[[rule]]\nid = "r"\nkind = "line"\nlines = ["a"]\nenabled = "yes"\n', 7, "wrong type"),
    "wrong-type-pages": (b'schema_version = 1\nid = "x"\npages = [1]\n[scope]\neverywhere = true\n', 3, "wrong type"),
    "list-as-file-source": (b'schema_version = 1\nid = "x"\nsource = ["a"]\n[scope]\neverywhere = 1\n', 3, "source"),
    "wrong-schema": (b'schema_version = "1"\nid = "x"\n[scope]\neverywhere = true\n', 1, "schema_version"),
    "wrong-kind": ('[[rule]]\nid = "r"\nkind = "regex"\npattern = "a"\n', 7, "kind must be one of"),
    "list-as-source": ('[[rule]]\nid = "r"\nkind = "line"\nlines = ["a"]\nsource = ["x"]\n', 7, "wrong type"),
    "bad-xpath": ('[[rule]]\nid = "r"\nkind = "xpath"\nxpath = "//div[@class="\n', 7, "bad xpath"),
    "deep-nesting": ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", None, "invalid TOML"),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_rule_files_are_rejected_with_file_line_and_reason(tmp_path: Path, name: str) -> None:
    body, line, reason = HOSTILE_FILES[name]
    path = _rule_file(tmp_path, body)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line, caught.value
    assert reason in caught.value.reason


def test_oversized_and_binary_rule_files_are_rejected(tmp_path: Path) -> None:
    big = _rule_file(tmp_path, "# " + "x" * MAX_RULE_FILE_BYTES + "\n", "big.toml")
    with pytest.raises(RuleError, match="larger than"):
        load_rule_file(big)
    binary = _rule_file(tmp_path, b"\xff\xfe\x00garbage", "binary.toml")
    with pytest.raises(RuleError, match="not UTF-8"):
        load_rule_file(binary)


def test_a_bad_rule_file_stops_the_cli_before_any_work(tmp_path: Path) -> None:
    _rule_file(tmp_path, '[[rule]]\nid = "r"\nkind = "pattern"\npattern = "(unclosed"\n')
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    args = ["clean", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "-r", str(tmp_path / "rules")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "hostile.toml:7" in result.stderr and "RE2 syntax" in result.stderr
    assert not (tmp_path / "o.jsonl").exists()


# --- Output safety -------------------------------------------------------------------------------

ESCAPING_IDS = [
    "../../etc/passwd",
    "/etc/passwd",
    "a/../../../b.html",
    "..\\..\\windows\\x.txt",
    "crawl.warc#../../../escaped",
    "crawl.warc#/abs/path",
    "....//....//x.txt",
    "",
    "#",
    "..",
    "//",
    "//etc/passwd",
]


@pytest.mark.parametrize("doc_id", ESCAPING_IDS)
def test_ids_never_write_outside_the_output_folder(tmp_path: Path, doc_id: str) -> None:
    root = (tmp_path / "out").resolve()
    for fmt in ("txt", "md"):
        target = output_path(root, doc_id, fmt).resolve()
        assert target.is_relative_to(root) and target != root, (doc_id, target)


def test_a_read_only_output_folder_stops_the_run_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied on the output: a clear message, exit code 2, nothing written.

    chmod 0o555 does not stop root, so creating anything under the folder is refused by patching
    the two calls that create files and folders (the effect a read-only folder has).
    """
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)

    def inside_locked(path) -> bool:
        return path is not None and Path(path).resolve().is_relative_to(locked.resolve())

    real_mkstemp, real_mkdir = tempfile.mkstemp, Path.mkdir

    def mkstemp(*args, dir=None, **kwargs):
        if inside_locked(dir):
            raise PermissionError(13, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    def mkdir(path: Path, *args, **kwargs) -> None:
        if inside_locked(path) and not path.exists():
            raise PermissionError(13, "Permission denied", str(path))
        real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    code, stderr = _clean(tmp_path / "in", "-o", locked / "out.jsonl")
    assert code == 2 and "Permission denied" in stderr and "Traceback" not in stderr
    assert list(locked.iterdir()) == []


def _no_space(*_args) -> None:
    raise OSError(28, "No space left on device")


_FULL_DISK = {"cleaner.writers.os.replace": _no_space, "cleaner.writers.os.fsync": _no_space}


@pytest.mark.parametrize("call", _FULL_DISK)
def test_a_full_disk_leaves_no_truncated_output_and_the_run_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """The disk fills while the manifest is replaced (os.replace) or while a shard is written (fsync)."""
    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"{n}.txt").write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out" / "out.jsonl"
    with monkeypatch.context() as patch:
        patch.setattr(call, _FULL_DISK[call])
        code, stderr = _clean(tmp_path / "in", "-o", out)
    assert code == 2 and "No space left on device" in stderr and "Traceback" not in stderr
    assert not out.exists()
    leftovers = [p for p in out.parent.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []  # no half-written file, under any name
    code, _stderr = _clean(tmp_path / "in", "-o", out)  # space again: the same command completes
    assert code == 0 and len(by_id(out)) == 3


@pytest.mark.parametrize("fmt", ["jsonl", "txt"])
def test_the_output_may_not_overwrite_an_input(tmp_path: Path, fmt: str) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    before = tree_digest(crawl)
    target = crawl / "a.txt" if fmt == "jsonl" else crawl
    inputs = [crawl / "a.txt"] if fmt == "jsonl" else [crawl]
    result = CliRunner().invoke(app, ["clean", *map(str, inputs), "-o", str(target), "-f", fmt, "-q"])
    assert result.exit_code == 2 and "would overwrite" in result.stderr
    assert tree_digest(crawl) == before


# --- Faults: kill -9 at the worst moments, then resume ------------------------------------------

# Runs the CLI after arranging for the process to die (os._exit, as abrupt as kill -9: no cleanup
# runs) at one moment of the run, given as argv[1].
_CRASHING_CLI = """
import os, sys, json, shutil
import cleaner.writers as writers
moment = sys.argv[1]
if moment == "rename":
    real_replace = os.replace
    def die_before_the_output(source, target):
        if str(target).endswith("out.jsonl"):
            os._exit(9)  # every shard complete, the output not yet in place
        real_replace(source, target)
    writers.os.replace = die_before_the_output
elif moment == "mid-shard":
    real_write = writers.ShardedOutput.write
    def write_then_die(self, index, doc):
        real_write(self, index, doc)
        if index == 4:
            self._stream.flush(); os._exit(9)  # shard 1 half written and on disk, the manifest lists shard 0
    writers.ShardedOutput.write = write_then_die
elif moment == "manifest":
    real_atomic_file = writers.atomic_file
    calls = []
    @writers.contextmanager
    def manifest_then_die(path):
        with real_atomic_file(path) as stream:
            if path.name == writers.MANIFEST_NAME:
                calls.append(1)
                if len(calls) == 2:
                    stream.write(b"{\\"version\\": 2, \\"shards"); stream.flush(); os._exit(9)
            yield stream
    writers.atomic_file = manifest_then_die
elif moment == "after-shard":
    calls = []
    real_mark = writers.Manifest.mark_done
    def mark_then_die(self, *args):
        calls.append(1)
        if len(calls) == 2:
            os._exit(9)  # the shard's records are on disk, the manifest does not list it yet
        real_mark(self, *args)
    writers.Manifest.mark_done = mark_then_die
from cleaner.cli import app
app(sys.argv[2:])
"""


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A small crawl (with bad documents) and the output of one uninterrupted run."""
    crawl = tmp_path_factory.mktemp("fault") / "crawl"
    crawl.mkdir()
    for n in range(9):
        (crawl / f"{n}.txt").write_text(GOOD_TEXT.replace("harbour", f"harbour {n}"), encoding="utf-8")
    (crawl / "4-empty.txt").write_bytes(b"")
    (crawl / "5-png.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    out = crawl.parent / "whole.jsonl"
    args = ["clean", str(crawl), "-o", str(out), "-w", "2", "--shard-size", "3", "-q"]
    subprocess.run([sys.executable, "-c", "from cleaner.cli import main; main()", *args], check=True, timeout=120)
    return crawl, out.read_bytes()


@pytest.mark.parametrize("moment", ["rename", "mid-shard", "manifest", "after-shard"])
def test_a_crash_at_the_worst_moment_then_resume_gives_identical_output(
    fault_crawl: tuple[Path, bytes], tmp_path: Path, moment: str
) -> None:
    crawl, whole = fault_crawl
    out = tmp_path / "out.jsonl"
    args = ["clean", str(crawl), "-o", str(out), "-w", "2", "--shard-size", "3", "-q"]
    crashed = subprocess.run([sys.executable, "-c", _CRASHING_CLI, moment, *args], capture_output=True, timeout=120)
    assert crashed.returncode == 9, crashed.stderr
    assert not out.exists()  # never a truncated output under the final name
    resumed = subprocess.run(
        [sys.executable, "-c", "from cleaner.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == whole
    assert not work_folder(out).exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
