"""The `cleaner` command: clean, explain, eval and rules check."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path
from typing import Annotated

import typer

from cleaner.document import Document
from cleaner.errors import CleanerError, RuleError
from cleaner.evaluate import format_row, format_summary, load_predictions, score
from cleaner.pipeline import Cleaner
from cleaner.readers import Source, iter_sources
from cleaner.rules import load_rule_file, rule_files_in
from cleaner.writers import FORMATS, open_writer

app = typer.Typer(
    help="Strip boilerplate from web scrapes: clean article bodies plus title, date, byline and captions.",
    no_args_is_help=True,
    add_completion=False,
)
rules_app = typer.Typer(help="Work with rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    list[Path] | None,
    typer.Option("--rules", "-r", help="A folder of rule files (*.toml); give it several times for several folders."),
]
NoDefaultsOption = Annotated[
    bool, typer.Option("--no-default-rules", help="Do not load the rules shipped with cleaner.")
]

INPUTS_HELP = "Files or folders (searched recursively for .html .htm .xhtml .txt, and .gz of each)."
FORMAT_HELP = "jsonl (one record per document, OUT is a file), txt or md (OUT is a folder mirroring the inputs)."
WORKERS_HELP = "Worker processes (default: the number of cores)."


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"cleaner: {message}", err=True)
    raise typer.Exit(code)


def _make_cleaner(rules: list[Path] | None, no_default_rules: bool) -> Cleaner:
    try:
        return Cleaner(extra_rules_dirs=rules or [], default_rules=not no_default_rules)
    except RuleError as error:
        _fail(f"rule error: {error}")


@app.command()
def clean(
    inputs: Annotated[list[Path], typer.Argument(help=INPUTS_HELP)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output: a .jsonl file, or a folder for txt/md.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "jsonl",
    rules: RulesOption = None,
    no_default_rules: NoDefaultsOption = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help=WORKERS_HELP)] = os.cpu_count() or 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Clean documents into body text and metadata."""
    if fmt not in FORMATS:
        _fail(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"input not found: {', '.join(missing)}")
    cleaner = _make_cleaner(rules, no_default_rules)
    sources = list(iter_sources(inputs))
    if not sources:
        _fail("no documents found in the inputs (looked for .html .htm .xhtml .txt and .gz)", 1)
    writer = open_writer(out, fmt)
    done = errors = 0
    try:
        for doc in _progress(_clean_all(cleaner, sources, workers, rules, no_default_rules), len(sources), quiet):
            writer.write(doc)
            done += 1
            if doc.error:
                errors += 1
                typer.echo(f"cleaner: {doc.id}: {doc.error}", err=True)
    except BaseException as error:
        writer.close(error)
        raise
    writer.close()
    if not quiet:
        typer.echo(f"cleaned {done - errors} of {done} documents ({errors} errors) -> {out}", err=True)
    if errors == done:
        raise typer.Exit(1)


def _clean_all(cleaner: Cleaner, sources: list[Source], workers: int, rules, no_defaults: bool) -> Iterator[Document]:
    """Documents in input order, cleaned here or by a pool of worker processes."""
    if workers <= 1 or len(sources) < 2:
        for source in sources:
            yield _lean(cleaner.clean_source(source))
        return
    with Pool(min(workers, len(sources)), initializer=_init_worker, initargs=(rules or [], no_defaults)) as pool:
        yield from pool.imap(_clean_in_worker, sources, chunksize=4)


_WORKER_CLEANER: Cleaner | None = None


def _init_worker(rules: list[Path], no_defaults: bool) -> None:
    global _WORKER_CLEANER  # one Cleaner per worker process, built once
    _WORKER_CLEANER = Cleaner(extra_rules_dirs=rules, default_rules=not no_defaults)


def _clean_in_worker(source: Source) -> Document:
    return _lean(_WORKER_CLEANER.clean_source(source))


def _lean(doc: Document) -> Document:
    """Drop what the writers do not need before a document crosses processes."""
    doc.raw, doc.lines = "", []
    return doc


def _progress(docs: Iterator[Document], total: int, quiet: bool) -> Iterator[Document]:
    if quiet or not sys.stderr.isatty():
        yield from docs
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("clean", total=total)
        for doc in docs:
            progress.advance(task)
            yield doc


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="One document (.html, .txt, or .gz of either).")],
    rules: RulesOption = None,
    no_default_rules: NoDefaultsOption = False,
    url: Annotated[str | None, typer.Option(help="The page's URL, if the file does not state it.")] = None,
) -> None:
    """Show every line KEEP or DROP, with the rule or classifier reason behind it."""
    cleaner = _make_cleaner(rules, no_default_rules)
    source = Source(id=file.name, path=file)
    try:
        data = source.read_bytes()
    except CleanerError as error:
        _fail(f"{file}: {error}")
    doc = cleaner.clean(data, url=url, id=file.name)
    if doc.error:
        _fail(f"{file}: {doc.error}")
    color = sys.stdout.isatty()
    typer.echo(f"# {doc.id}  format={doc.format.value} site={doc.site} families={','.join(doc.families) or '-'}")
    typer.echo(f"# rules applied: {', '.join(doc.rules) or '-'}")
    for line in doc.lines:
        verdict = "KEEP" if line.keep else "DROP"
        score = f" [{line.score:+.2f}]" if line.score is not None else ""
        text = line.text if len(line.text) <= 100 else line.text[:97] + "..."
        row = f"{verdict} {line.reason or '-'}{score} | {text}"
        typer.echo(typer.style(row, fg="green" if line.keep else "red") if color else row)
    for name in ("title", "date", "byline", "byline_source"):
        typer.echo(f"# {name}: {getattr(doc, name)}")
    for image in doc.images:
        typer.echo(f"# image: {json.dumps(image.as_dict(), ensure_ascii=False)}")


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSON: key -> {body|articleBody, title, date, byline, images}.")],
    predictions: Annotated[Path, typer.Argument(help="JSONL written by `cleaner clean`.")],
    per_doc: Annotated[bool, typer.Option("--per-doc", help="One line per document first.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Score bodies (token-shingle P/R/F1) and metadata against gold."""
    try:
        gold_data = json.loads(gold.read_text(encoding="utf-8"))
        rows, summary = score(gold_data, load_predictions(predictions))
    except (OSError, ValueError) as error:
        _fail(str(error))
    if per_doc:
        for row in rows:
            typer.echo(format_row(row))
    typer.echo(json.dumps(summary) if as_json else format_summary(summary))


@rules_app.command("check")
def rules_check(folders: Annotated[list[Path], typer.Argument(help="Rule folders or single rule files.")]) -> None:
    """Validate rule files: schema, patterns and XPath; errors name file and line."""
    failures = 0
    for folder in folders:
        try:
            paths = [folder] if folder.is_file() else rule_files_in(folder)
        except RuleError as error:
            typer.echo(f"error: {error}", err=True)
            failures += 1
            continue
        for path in paths:
            try:
                rule_file = load_rule_file(path)
                typer.echo(f"ok: {path} ({rule_file.id}, {len(rule_file.rules)} rules)")
            except RuleError as error:
                typer.echo(f"error: {error}", err=True)
                failures += 1
    if failures:
        raise typer.Exit(1)


def main() -> None:
    app()
