"""The `cleaner` command: clean, explain, eval and rules check."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cleaner.containers import JsonlFields
from cleaner.errors import CleanerError, RuleError
from cleaner.evaluate import format_row, format_summary, load_predictions, score
from cleaner.learn_config import MIN_PAGES, SAMPLE_PAGES
from cleaner.pool import CleanerSettings
from cleaner.progress import reporter_for
from cleaner.readers import Source
from cleaner.rules import RuleFile, load_rule_file, load_rules, rule_files_in
from cleaner.runner import DEFAULT_SHARD_SIZE, DEFAULT_TIMEOUT, RunConfig, RunStats, run, summary
from cleaner.runner import dry_run as dry_run_listing
from cleaner.writers import FORMATS, overwritten_input

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

INPUTS_HELP = (
    "Files or folders (searched recursively for .html .htm .xhtml .txt .warc, and .gz of each), "
    "WARC or JSONL files (one document per record), or - for standard input."
)
FORMAT_HELP = "jsonl (one record per document, OUT is a file), txt or md (OUT is a folder mirroring the inputs)."
WORKERS_HELP = "Worker processes (default: the number of cores)."


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"cleaner: {message}", err=True)
    raise typer.Exit(code)


def _load_rules(rules: list[Path] | None, no_default_rules: bool) -> list[RuleFile]:
    """The rule files a run will use; a bad one stops the command with its file and line."""
    try:
        return load_rules(rules or [], include_defaults=not no_default_rules)
    except RuleError as error:
        _fail(f"rule error: {error}")


@app.command()
def clean(
    inputs: Annotated[list[str], typer.Argument(help=INPUTS_HELP)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output: a .jsonl file, or a folder for txt/md.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "jsonl",
    rules: RulesOption = None,
    no_default_rules: NoDefaultsOption = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help=WORKERS_HELP)] = os.cpu_count() or 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds one document may take (0: no limit).", min=0)] = (
        DEFAULT_TIMEOUT
    ),
    limit: Annotated[int | None, typer.Option(help="Clean only the first N documents.", min=1)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the documents to clean; clean nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Start over: ignore an interrupted run's work.")] = False,
    shard_size: Annotated[int, typer.Option(help="Documents per resumable output shard.", min=1)] = (
        DEFAULT_SHARD_SIZE
    ),
    url_field: Annotated[str, typer.Option(help="JSONL inputs: the field with the URL.")] = "url",
    html_field: Annotated[str, typer.Option(help="JSONL inputs: the field with HTML.")] = "html",
    text_field: Annotated[str, typer.Option(help="JSONL inputs: the field with text.")] = "text",
    engine: Annotated[str, typer.Option(help="local (worker processes) or ray (a Ray cluster).")] = "local",
    address: Annotated[str | None, typer.Option(help="--engine ray: the cluster (default: start one).")] = None,
) -> None:
    """Clean documents into body text and metadata; an interrupted run resumes when started again."""
    if fmt not in FORMATS:
        _fail(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if engine not in ("local", "ray"):
        _fail(f"unknown --engine {engine!r}; choose local or ray")
    missing = [p for p in inputs if p != "-" and not Path(p).exists()]
    if missing:
        _fail(f"input not found: {', '.join(missing)}")
    if overwritten := overwritten_input(out, fmt, inputs):
        _fail(f"--out {out} would overwrite the input {overwritten}; choose another output")
    _load_rules(rules, no_default_rules)  # a bad rule file stops the run here, before any work
    config = RunConfig(
        inputs=tuple(inputs),
        out=out,
        fmt=fmt,
        settings=CleanerSettings(tuple(rules or ()), not no_default_rules),
        fields=JsonlFields(url_field, html_field, text_field),
        limit=limit,
        shard_size=shard_size,
        workers=workers,
        timeout=timeout,
        force=force,
    )
    if dry_run:
        stats = dry_run_listing(config, typer.echo)
        typer.echo(f"would clean {stats.cleaned} documents ({stats.resumed} already done) -> {out}", err=True)
        return
    stats = _run(config, engine, address, quiet)
    if not stats.total:
        _fail("no documents found in the inputs (looked for .html .htm .xhtml .txt, WARC, and .gz)", 1)
    if not quiet:
        typer.echo(summary(stats, out), err=True)
    if stats.total_errors == stats.total:
        raise typer.Exit(1)


def _run(config: RunConfig, engine: str, address: str | None, quiet: bool) -> RunStats:
    """The run on the chosen engine; Ctrl-C leaves finished shards for the next run to resume."""
    clean_all = None
    if engine == "ray":
        if importlib.util.find_spec("ray") is None:
            _fail("--engine ray needs Ray: pip install 'cleaner[ray]'")
        from cleaner.ray_engine import ray_clean_in_order

        def clean_all(todo, cfg):
            return ray_clean_in_order(todo, cfg, address)

    try:
        return run(config, reporter_for(quiet), clean_all=clean_all)
    except KeyboardInterrupt:
        _fail("interrupted; run the same command again to resume", 130)
    except OSError as error:  # disk full, permission denied: what was written stays whole, nothing truncated
        where = f" ({error.filename})" if error.filename else ""
        _fail(f"stopped: {error.strerror or error}{where}; fix it and run the same command again to resume")


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="One document (.html, .txt, or .gz of either).")],
    rules: RulesOption = None,
    no_default_rules: NoDefaultsOption = False,
    url: Annotated[str | None, typer.Option(help="The page's URL, if the file does not state it.")] = None,
) -> None:
    """Show every line KEEP or DROP, with the rule or classifier reason behind it."""
    from cleaner.classify import explaining
    from cleaner.pipeline import Cleaner

    try:
        cleaner = Cleaner(extra_rules_dirs=rules or [], default_rules=not no_default_rules)
    except RuleError as error:
        _fail(f"rule error: {error}")
    source = Source(id=file.name, path=file)
    try:
        data = source.read_bytes()
    except CleanerError as error:
        _fail(f"{file}: {error}")
    with explaining():  # every classifier line gets its feature summary, which `clean` skips for speed
        doc = cleaner.clean(data, url=url, id=file.name)
    if doc.error:
        _fail(f"{file}: {doc.error}")
    color = sys.stdout.isatty()
    typer.echo(f"# {doc.id}  format={doc.format.value} site={doc.site} families={','.join(doc.families) or '-'}")
    typer.echo(f"# rules applied: {', '.join(doc.rules) or '-'}")
    learned = _learned_provenance(cleaner.rule_files)
    for line in doc.lines:
        verdict = "KEEP" if line.keep else "DROP"
        score = f" [{line.score:+.2f}]" if line.score is not None else ""
        text = line.text if len(line.text) <= 100 else line.text[:97] + "..."
        row = f"{verdict} {line.reason or '-'}{learned.get(line.reason, '')}{score} | {text}"
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


@app.command()
def learn(
    inputs: Annotated[list[Path], typer.Argument(help=INPUTS_HELP)],
    rules_dir: Annotated[Path, typer.Option("--rules", "-r", help="Folder to write (or merge) the rule files into.")],
    min_pages: Annotated[int, typer.Option("--min-pages", min=2, help="Pages a site needs to be learned.")] = MIN_PAGES,
    sample: Annotated[int, typer.Option("--sample", min=2, help="Pages per site looked at, at most.")] = SAMPLE_PAGES,
    report: Annotated[Path | None, typer.Option("--report", help="Write an HTML page showing the rules.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Learn one rule file per site (and one for chrome shared by many sites) from the crawl itself."""
    from cleaner.learn import learn as learn_rules
    from cleaner.learn_report import write_report
    from cleaner.learn_write import write_rules

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        _fail(f"input not found: {', '.join(missing)}")
    result = learn_rules(inputs, min_pages=min_pages, sample=sample)
    for error in result.errors:
        typer.echo(f"cleaner: {error}", err=True)
    try:
        written = write_rules(result.sites, rules_dir)
        if report is not None:
            write_report(report, result.sites, written, rules_dir)
    except RuleError as error:
        _fail(f"rule error: {error}")
    if not quiet:
        for outcome in written:
            typer.echo(f"{outcome.action}: {outcome.path} ({outcome.rules} rules, {outcome.kept} kept)", err=True)
        typer.echo(
            f"learned {len(result.sites)} rule files from {result.pages} pages "
            f"({result.skipped_sites} sites with fewer than {min_pages} pages skipped, {len(result.errors)} errors)",
            err=True,
        )


def _learned_provenance(rule_files: list[RuleFile]) -> dict[str, str]:
    """Rule id -> how often a learned rule was seen, shown next to the lines it drops."""
    return {
        rule.id: f" (learned, seen on {rule.pages} pages, share {rule.share:.2f})"
        for rule_file in rule_files
        for rule in rule_file.rules
        if rule.source == "learned" and rule.pages is not None and rule.share is not None
    }


def main() -> None:
    app()
