"""Shared test builders: documents, rule folders and small crawls built in tmp_path.

Builders are fixtures that return functions, so a test says what it needs in one line and
never depends on files outside tests/ (the shared data folder is not there in CI).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.document import Document, Format
from cleaner.rules import RuleFile, parse_rule_file
from cleaner.text import normalize_text, split_lines

# The JSONL record's fields in their order: part of the interface (README, DEVELOPERS.md).
RECORD_FIELDS = [
    "id",
    "url",
    "site",
    "format",
    "title",
    "date",
    "byline",
    "authors",
    "byline_source",
    "images",
    "text",
    "rules",
    "error",
]
DATA_DIR = Path(__file__).parent / "data"
SEEDS_DIR = DATA_DIR / "seeds"
DEV_SAMPLE_DIR = DATA_DIR / "dev_sample"

# The header every hand-built rule file in the tests starts from: scope everywhere.
RULE_HEADER = 'schema_version = 1\nid = "test"\n\n[scope]\neverywhere = true\n\n'


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seeds_gold() -> dict[str, dict]:
    return json.loads((SEEDS_DIR / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shipped_cleaner() -> Cleaner:
    """A Cleaner with only the rules shipped in rules/ (built once: loading compiles every pattern)."""
    return Cleaner()


@pytest.fixture
def make_doc() -> Callable[..., Document]:
    """A text Document whose lines are the given text, normalised and split as the pipeline does."""

    def build(text: str = "", url: str | None = None, id: str = "doc.txt", fmt: Format = Format.TEXT) -> Document:
        doc = Document(id=id, raw=text, url=url, format=fmt)
        doc.lines = split_lines(normalize_text(text))
        return doc

    return build


@pytest.fixture
def make_rule_file() -> Callable[..., RuleFile]:
    """A RuleFile parsed from TOML text (no file on disk); `header` defaults to scope everywhere."""

    def build(body: str, header: str = RULE_HEADER, path: str = "test.toml") -> RuleFile:
        import tomllib

        raw = header + body
        return parse_rule_file(tomllib.loads(raw), path, raw)

    return build


@pytest.fixture
def write_files(tmp_path: Path) -> Callable[..., Path]:
    """Write {relative path: str | bytes} under a folder of tmp_path; names ending in .gz are gzipped."""

    def build(files: dict[str, str | bytes], folder: str = "crawl") -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        return root

    return build


# A small article that the generic classifier keeps: a headline and several sentences of prose.
ARTICLE_PARAGRAPHS = (
    (
        "The harbour council voted on Tuesday to build a new sea wall along the eastern quay, after two winters of "
        "flooding damaged shops and homes near the fish market."
    ),
    (
        "Engineers told the meeting that the existing wall, built in the 1950s, is cracked in several places and can "
        "no longer hold back the highest spring tides."
    ),
    (
        "Work is expected to begin in the autumn and to last about eighteen months, during which the quay will stay "
        "open to fishing boats and visitors."
    ),
    (
        "Residents who spoke at the meeting welcomed the decision but asked the council to publish a timetable and to "
        "keep the footpath open while the work goes on."
    ),
)
ARTICLE_TEXT = "\n".join(
    [
        "Home | News | Sport | Contact",
        "Harbour Council Approves New Sea Wall",
        *ARTICLE_PARAGRAPHS,
        "Share this:",
        "Copyright 2025 Harbour Gazette",
        "",
    ]
)

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Harbour Council Approves New Sea Wall</title>
<link rel="canonical" href="https://www.harbourgazette.example.com/news/sea-wall"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour Council Approves New Sea Wall</h1>
<p>The harbour council voted on Tuesday to build a new sea wall along the eastern quay, after two winters of
flooding damaged shops and homes near the fish market.</p>
<p>Engineers told the meeting that the existing wall, built in the 1950s, is cracked in several places and can no
longer hold back the highest spring tides.</p>
<p>Work is expected to begin in the autumn and to last about eighteen months, during which the quay will stay open
to fishing boats and visitors.</p>
<p>Residents who spoke at the meeting welcomed the decision but asked the council to publish a timetable and to
keep the footpath open while the work goes on.</p>
</article><footer>Copyright 2025 Harbour Gazette</footer></body></html>
"""

# A few bytes that are unmistakably not a document.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture(scope="session")
def article_text() -> str:
    return ARTICLE_TEXT


@pytest.fixture(scope="session")
def article_html() -> str:
    return ARTICLE_HTML


@pytest.fixture(scope="session")
def png_bytes() -> bytes:
    return PNG_BYTES
