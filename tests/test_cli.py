"""The `cleaner` command through typer's CliRunner: clean, explain, eval, rules check, --help."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import RECORD_FIELDS
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.rules import default_rules_dir
from cleaner.writers import render

BAD_RULE = 'schema_version = 1\nid = "bad"\n\n[scope]\neverywhere = true\n\n[[rule]]\nid = "b"\nkind = "pattern"\n'
BAD_RULE += 'pattern = "(unclosed"\n'  # the rule starts on line 7


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def crawl(write_files, article_text, article_html) -> Path:
    return write_files({"story.txt": article_text, "site/news/page.html.gz": article_html})


def run(runner: CliRunner, *args: str | Path):
    return runner.invoke(app, [str(arg) for arg in args])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- clean ----------------------------------------------------------------------------------


def test_clean_jsonl(runner, crawl, tmp_path):
    out = tmp_path / "deep" / "out.jsonl"
    result = run(runner, "clean", crawl, "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["story.txt", "site/news/page.html.gz"]
    assert all(list(r) == RECORD_FIELDS for r in records)
    text, html = records
    assert (text["format"], html["format"]) == ("text", "html")
    assert html["url"] == "https://www.harbourgazette.example.com/news/sea-wall"
    for record in records:
        assert record["title"] == "Harbour Council Approves New Sea Wall"
        assert "eastern quay" in record["text"] and "Copyright" not in record["text"]
        assert record["error"] is None
    assert "Home | News" not in text["text"]
    assert "wordpress.share-like" in text["rules"]
    assert "cleaned 2 of 2 documents" in result.stderr


def test_clean_quiet_prints_nothing(runner, crawl, tmp_path):
    result = run(runner, "clean", crawl, "-o", tmp_path / "out.jsonl", "-q", "--workers", "1")
    assert result.exit_code == 0
    assert result.output == ""


def test_clean_with_workers_gives_the_same_records_in_order(runner, write_files, article_text, tmp_path):
    crawl = write_files({f"p{n}.txt": article_text.replace("Tuesday", f"day {n}") for n in range(6)})
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    assert run(runner, "clean", crawl, "-o", one, "-q", "--workers", "1").exit_code == 0
    assert run(runner, "clean", crawl, "-o", many, "-q", "--workers", "3").exit_code == 0
    assert one.read_text(encoding="utf-8") == many.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["txt", "md"])
def test_clean_txt_and_md_mirror_the_input_tree(runner, crawl, tmp_path, fmt, shipped_cleaner):
    out = tmp_path / "out"
    result = run(runner, "clean", crawl, "-o", out, "--format", fmt, "-q", "--workers", "1")
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [f"site/news/page.{fmt}", f"story.{fmt}"]
    # The files hold what the library gives for the same input (quality is tested elsewhere).
    doc = shipped_cleaner.clean((crawl / "story.txt").read_bytes(), id="story.txt")
    body = (out / f"story.{fmt}").read_text(encoding="utf-8")
    assert body == render(doc, fmt)


def test_bad_files_get_error_records_and_the_run_continues(runner, write_files, article_text, png_bytes, tmp_path):
    crawl = write_files(
        {
            "a_good.txt": article_text,
            "b_image.txt": png_bytes,
            "c_empty.txt": b"",
            "d_damaged.txt.gz": b"\x1f\x8b\x08\x00 not deflate",
        }
    )
    out = tmp_path / "out.jsonl"
    result = run(runner, "clean", crawl, "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in read_jsonl(out)}
    assert records["a_good.txt"]["error"] is None
    assert "binary" in records["b_image.txt"]["error"]
    assert "empty" in records["c_empty.txt"]["error"]
    assert "gzip" in records["d_damaged.txt.gz"]["error"]
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("cleaner: ")]
    assert len(error_lines) == 3
    assert all(any(name in line for line in error_lines) for name in ("b_image.txt", "c_empty.txt", "d_damaged"))


def test_bad_inputs_are_never_modified(runner, write_files, png_bytes, article_text, tmp_path):
    crawl = write_files({"a.txt": article_text, "b.txt": png_bytes})
    before = {p: p.read_bytes() for p in crawl.iterdir()}
    run(runner, "clean", crawl, "-o", tmp_path / "out.jsonl", "-q", "--workers", "1")
    assert {p: p.read_bytes() for p in crawl.iterdir()} == before


def test_all_bad_exits_1(runner, write_files, png_bytes, tmp_path):
    crawl = write_files({"a.txt": png_bytes, "b.txt": "   \n"})
    out = tmp_path / "out.jsonl"
    result = run(runner, "clean", crawl, "-o", out, "--workers", "1")
    assert result.exit_code == 1
    assert all(record["error"] for record in read_jsonl(out))


def test_no_documents_found_exits_1(runner, write_files, tmp_path):
    crawl = write_files({"notes.md": "not a document"})
    result = run(runner, "clean", crawl, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert "no documents found" in result.stderr


def test_missing_input_is_an_error_naming_it(runner, tmp_path):
    result = run(runner, "clean", tmp_path / "nowhere", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert "nowhere" in result.stderr


def test_unknown_format_is_an_error(runner, crawl, tmp_path):
    result = run(runner, "clean", crawl, "-o", tmp_path / "out", "--format", "csv")
    assert result.exit_code == 2
    assert "csv" in result.stderr


def test_malformed_rule_folder_stops_before_any_work(runner, crawl, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.toml").write_text(BAD_RULE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(runner, "clean", crawl, "-o", out, "--rules", rules, "--workers", "1")
    assert result.exit_code == 2
    assert f"{rules / 'bad.toml'}:7:" in result.stderr
    assert "(unclosed" in result.stderr
    assert not out.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_extra_rules_and_no_default_rules(runner, write_files, article_text, tmp_path):
    crawl = write_files({"story.txt": article_text})
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text(
        'schema_version = 1\nid = "mine"\n[scope]\neverywhere = true\n[[rule]]\nid = "mine.copyright"\n'
        'kind = "pattern"\npattern = "Copyright \\\\d{4} .*"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run(runner, "clean", crawl, "-o", out, "-r", rules, "--no-default-rules", "-q", "--workers", "1")
    assert result.exit_code == 0, result.output
    (record,) = read_jsonl(out)
    assert "mine.copyright" in record["rules"]
    assert not any(rule_id.startswith("wordpress.") for rule_id in record["rules"])


# --- explain --------------------------------------------------------------------------------


def test_explain_shows_keep_and_drop_with_rule_ids(runner, crawl, article_text):
    result = run(runner, "explain", crawl / "story.txt")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# story.txt  format=text")
    assert "DROP wordpress.share-like | Share this:" in lines
    rows = [line for line in lines if not line.startswith("# ")]
    assert rows and all(re.match(r"(KEEP|DROP) \S.* \| ", row) for row in rows), rows
    # Every line of the input is accounted for, kept or dropped with its reason (long lines are shortened).
    for source_line in article_text.splitlines():
        assert any(f"| {source_line[:60]}" in row for row in rows), source_line
    assert any(line.startswith("# title: ") for line in lines)
    assert "\x1b[" not in result.stdout, "plain text when not on a terminal"


def test_explain_html_and_url_option(runner, crawl):
    result = run(runner, "explain", crawl / "site/news/page.html.gz", "--url", "https://www.example.org/x")
    assert result.exit_code == 0, result.output
    assert "format=html site=example.org" in result.stdout


def test_explain_bad_file_is_an_error(runner, write_files, png_bytes):
    crawl = write_files({"image.txt": png_bytes})
    result = run(runner, "explain", crawl / "image.txt")
    assert result.exit_code == 2
    assert "image.txt" in result.stderr and "binary" in result.stderr


# --- eval -----------------------------------------------------------------------------------


@pytest.fixture
def gold_and_predictions(tmp_path) -> tuple[Path, Path]:
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"a.txt": {"body": "a b c d e", "title": "T"}, "b.txt": {"articleBody": "w x y z"}}))
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(json.dumps({"id": "dir/a.txt", "text": "a b c d", "title": "t"}) + "\n")
    return gold, predictions


def test_eval_prints_the_summary(runner, gold_and_predictions):
    result = run(runner, "eval", *gold_and_predictions)
    assert result.exit_code == 0, result.output
    # a: P=1 R=1/2; b: not found, R=0 -> P=1, R=1/4, F1=0.4. The mean of one True prints as 1, as in score.py.
    assert result.stdout.strip() == "docs=2 found=1 F1=0.400 P=1.000 R=0.250 acc=0.000 breaks=0 title=1"


def test_eval_per_doc_and_json(runner, gold_and_predictions):
    result = run(runner, "eval", *gold_and_predictions, "--per-doc", "--json")
    assert result.exit_code == 0, result.output
    *rows, summary = result.stdout.strip().splitlines()
    assert [row.split()[0] for row in rows] == ["a.txt", "b.txt"]
    assert json.loads(summary)["F1"] == pytest.approx(0.4)


def test_eval_bad_predictions_is_an_error(runner, gold_and_predictions):
    gold, predictions = gold_and_predictions
    predictions.write_text("{not json\n")
    result = run(runner, "eval", gold, predictions)
    assert result.exit_code == 2
    assert "pred.jsonl:1" in result.stderr


# --- rules check ----------------------------------------------------------------------------


def test_rules_check_shipped_rules_ok(runner):
    result = run(runner, "rules", "check", default_rules_dir())
    assert result.exit_code == 0, result.output
    ok_lines = [line for line in result.stdout.splitlines() if line.startswith("ok: ")]
    assert len(ok_lines) == len(list(default_rules_dir().glob("*.toml")))


def test_rules_check_reports_errors_with_file_and_line(runner, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.toml").write_text(BAD_RULE, encoding="utf-8")
    (rules / "good.toml").write_text(
        'schema_version = 1\nid = "g"\n[scope]\neverywhere = true\n[[rule]]\nid = "g.x"\nkind = "line"\nlines = ["x"]\n'
    )
    result = run(runner, "rules", "check", rules)
    assert result.exit_code == 1
    assert f"error: {rules / 'bad.toml'}:7:" in result.stderr
    assert f"ok: {rules / 'good.toml'} (g, 1 rules)" in result.stdout


def test_rules_check_single_file_and_missing_folder(runner, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD_RULE, encoding="utf-8")
    assert run(runner, "rules", "check", path).exit_code == 1
    result = run(runner, "rules", "check", tmp_path / "nope")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], ["clean", "explain", "eval", "rules"]),
        (["clean"], ["--out", "--format", "--rules", "--no-default-rules", "--workers"]),
        (["explain"], ["--rules", "--url"]),
        (["eval"], ["--per-doc", "--json"]),
        (["rules"], ["check"]),
        (["rules", "check"], ["folders", "Validate rule files"]),
    ],
)
def test_help_of_each_command(runner, command, mentions):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0
    for word in mentions:
        assert word in result.stdout, word


def test_gzip_helper_used_by_fixtures_round_trips(crawl):
    # The crawl fixture gzips names ending in .gz: the CLI tests above really exercise .gz input.
    assert gzip.decompress((crawl / "site/news/page.html.gz").read_bytes()).startswith(b"<!DOCTYPE html>")
