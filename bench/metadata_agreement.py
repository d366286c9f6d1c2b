"""Metadata bench: agreement with trafilatura, accuracy on the sites' gold metadata, per-page cost.

    .venv/bin/python bench/metadata_agreement.py [--shared ../shared] [--limit N] [--show N]

1. On `dev/html` (pages with no metadata gold): how often our title/date/byline agree with
   trafilatura's (`bare_extraction(..., with_metadata=True)`), and the disagreements listed for
   a person to judge: agreement is not accuracy, either side may be the wrong one.
2. On `dev/sites/gold.json` (title/byline/publishedTime stated for many pages): our accuracy and
   trafilatura's, on the pages where gold states the field. Closest thing to held-out metadata
   gold: read it, never fit it.
3. Per-page cost of our HTML metadata step against trafilatura's metadata reading and its whole
   extraction.

Skips cleanly (exit 0, one line) when the shared data is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import trafilatura
from trafilatura.metadata import extract_metadata

from cleaner import Cleaner, html, html_metadata
from cleaner.document import Document, Format
from cleaner.readers import decode

FIELDS = ("title", "date", "byline")
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def fold(value: object) -> str:
    """Compare like a person would: case, spacing, typographic quotes and a leading "By" ignored."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(str.maketrans("‘’“”", "''\"\""))
    text = re.sub(r"\s+", " ", text).strip().lower()
    return re.sub(r"^by\s+", "", text)


def names(value: object) -> frozenset[str]:
    """A byline as a set of folded names (`A; B`, `A, B and C` and `A and B` all split)."""
    parts = re.split(r"\s*(?:;|,|\band\b|&)\s*", fold(value))
    return frozenset(part for part in parts if part)


def same(field: str, ours: object, theirs: object) -> bool:
    if field == "byline":
        return names(ours) == names(theirs)
    return fold(ours) == fold(theirs)


def ours_for(raw: bytes) -> tuple[dict, float]:
    """Our title/date/byline of a page and the seconds our metadata step took (parse excluded)."""
    doc = Document(id="-")
    decoded = decode(raw)
    doc.raw, doc.format, doc.url = decoded.text, decoded.format, decoded.url
    if doc.format is not Format.HTML:
        return {}, 0.0
    tree = html.parse(doc)
    start = time.perf_counter()
    html_metadata.fill(doc, tree)
    return {"title": doc.title, "date": doc.date, "byline": doc.byline}, time.perf_counter() - start


def trafilatura_for(raw: bytes) -> tuple[dict, float, float]:
    """trafilatura's title/date/byline, the seconds of its metadata step and of its whole extraction."""
    tree = trafilatura.load_html(raw)
    start = time.perf_counter()
    extract_metadata(tree)
    metadata_seconds = time.perf_counter() - start
    start = time.perf_counter()
    result = trafilatura.bare_extraction(raw, with_metadata=True)
    whole_seconds = time.perf_counter() - start
    if result is None:
        return {}, metadata_seconds, whole_seconds
    found = {"title": result.title, "date": result.date, "byline": result.author}
    return found, metadata_seconds, whole_seconds


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def agreement(folder: Path, limit: int | None, show: int) -> dict[str, float]:
    """Part 1 and 3: agreement with trafilatura on a folder of pages, and the per-page cost."""
    pages = sorted(folder.glob("*.html*"))[:limit]
    agree, disagreements = Counter(), []
    cost = Counter()
    for path in pages:
        ours, our_seconds = ours_for(read(path))
        theirs, their_metadata, their_whole = trafilatura_for(read(path))
        cost.update({"ours": our_seconds, "trafilatura metadata": their_metadata, "trafilatura whole": their_whole})
        for field in FIELDS:
            if same(field, ours.get(field), theirs.get(field)):
                agree[field] += 1
            else:
                disagreements.append((path.name, field, ours.get(field), theirs.get(field)))
    print(f"## Agreement with trafilatura on {folder} ({len(pages)} pages)\n")
    for field in FIELDS:
        print(f"- {field}: {agree[field]}/{len(pages)} = {agree[field] / max(1, len(pages)):.0%}")
    print(f"\n### Disagreements (first {show}; ours vs trafilatura, for a person to judge)\n")
    for name, field, ours_value, theirs_value in disagreements[:show]:
        print(f"- {name} {field}: ours={ours_value!r} | trafilatura={theirs_value!r}")
    print("\n## Per-page cost (ms, mean)\n")
    for key, seconds in cost.items():
        print(f"- {key}: {1000 * seconds / max(1, len(pages)):.1f}")
    return {field: agree[field] / max(1, len(pages)) for field in FIELDS}


def text_fields(cleaner: Cleaner, path: Path) -> dict:
    """Our title/date/byline of a plain-text page dump, from the whole text pipeline."""
    doc = cleaner.clean(path.read_bytes(), id=path.name)
    return {"title": doc.title, "date": doc.date, "byline": doc.byline}


def sites_accuracy(sites: Path, limit: int | None, show: int) -> None:
    """Part 2: accuracy on the sites' gold metadata, where gold states a field.

    HTML: ours and trafilatura's on page-K.html.gz. Text: ours on page-K.txt (the same pages as
    plain-text dumps; trafilatura has no text mode).
    """
    gold = json.loads((sites / "gold.json").read_text(encoding="utf-8"))
    keys = [key for key in sorted(gold) if (sites / f"{key}.html.gz").exists()][:limit]
    gold_field = {"title": "title", "date": "publishedTime", "byline": "byline"}
    cleaner = Cleaner()
    right, total, wrong = Counter(), Counter(), []
    for key in keys:
        ours, _ = ours_for(read(sites / f"{key}.html.gz"))
        theirs, _, _ = trafilatura_for(read(sites / f"{key}.html.gz"))
        text_path = sites / f"{key}.txt"
        ours_text = text_fields(cleaner, text_path) if text_path.exists() else {}
        for field in FIELDS:
            expected = gold[key].get(gold_field[field])
            if not expected:
                continue
            total[field] += 1
            total[("text", field)] += bool(ours_text)
            right[("ours", field)] += same(field, ours.get(field), expected)
            right[("trafilatura", field)] += same(field, theirs.get(field), expected)
            right[("ours text", field)] += bool(ours_text) and same(field, ours_text.get(field), expected)
            if not same(field, ours.get(field), expected):
                wrong.append((key, "html", field, ours.get(field), expected))
            if ours_text and not same(field, ours_text.get(field), expected):
                wrong.append((key, "text", field, ours_text.get(field), expected))
    print(f"\n## Accuracy on {sites}/gold.json ({len(keys)} pages; only where gold states the field)\n")
    print("| field | pages | ours (HTML) | trafilatura (HTML) | ours (text dump) |\n| --- | --- | --- | --- | --- |")
    for field in FIELDS:
        n, n_text = max(1, total[field]), max(1, total[("text", field)])
        ours_share, theirs_share = right[("ours", field)] / n, right[("trafilatura", field)] / n
        text_share = right[("ours text", field)] / n_text
        print(f"| {field} | {total[field]} | {ours_share:.1%} | {theirs_share:.1%} | {text_share:.1%} |")
    for kind in ("html", "text"):
        misses = [miss for miss in wrong if miss[1] == kind]
        print(f"\n### Our misses on {kind} ({len(misses)}; first {show}; ours vs gold)\n")
        for key, _, field, ours_value, expected in misses[:show]:
            print(f"- {key} {field}: ours={ours_value!r} | gold={expected!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pages per part")
    parser.add_argument("--show", type=int, default=40, help="how many disagreements to list")
    args = parser.parse_args(argv)
    dev_html, sites = args.shared / "dev" / "html", args.shared / "dev" / "sites"
    if not dev_html.is_dir() and not (sites / "gold.json").is_file():
        print(f"metadata bench skipped: no shared data at {args.shared}")
        return 0
    if dev_html.is_dir():
        agreement(dev_html, args.limit, args.show)
    if (sites / "gold.json").is_file():
        sites_accuracy(sites, args.limit, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
