"""Write learned rule files: deterministic, sorted, commented, merged with what people changed by hand.

TOML is written by hand (not with a serialiser) so that every file carries comments saying where
its rules come from. Re-learning into a folder keeps, from the file already there, every rule
with source = "hand-written", every rule set to enabled = false, and every learned rule whose
content no longer matches the `digest` it was written with (edited by hand). The lines, patterns
and XPaths of kept rules are not learned again, so a disabled rule stays the only word on them.
A file whose top-level source is "hand-written" is never touched.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import xxhash

from cleaner.errors import RuleError
from cleaner.learn import LearnedRule, LearnedSite
from cleaner.rules import load_rule_file, normalize_line

# The keys of a rule that say what it drops: its digest is computed over these.
CONTENT_KEYS = ("kind", "lines", "pattern", "start", "end", "end_required", "xpath")
RULE_KEY_ORDER = ("id", "kind", "source", "enabled", "pages", "share", "digest", "note")
RULE_CONTENT_ORDER = ("lines", "pattern", "start", "end", "end_required", "xpath")
FILE_MODE = 0o644  # mkstemp makes files private; rule files are meant to be read and shared
MERGE_MIN_FINGERPRINT_OVERLAP = 0.5  # a site with no URL is the same site as a file sharing this share of prints


@dataclass(slots=True)
class Written:
    """What happened to one learned file."""

    path: Path
    action: str  # "written", "unchanged" or "kept (hand-written file)"
    rules: int
    kept: int  # rules kept from the previous file


def digest(rule: dict) -> str:
    """A short hash of what a rule drops: a learned rule whose digest no longer matches was edited by hand."""
    content = {key: rule[key] for key in CONTENT_KEYS if key in rule}
    return xxhash.xxh64_hexdigest(json.dumps(content, sort_keys=True, ensure_ascii=False).encode())


def write_rules(sites: list[LearnedSite], folder: Path) -> list[Written]:
    """Write (or merge into) one file per learned site; raises RuleError for a previous file that is invalid."""
    folder.mkdir(parents=True, exist_ok=True)
    previous = _previous_files(folder)
    return [_write_site(site, folder, previous) for site in sites]


def _previous_files(folder: Path) -> list[tuple[Path, dict]]:
    files = []
    for path in sorted(folder.glob("*.toml")):
        files.append((path, _read_toml(path)))
    return files


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RuleError(str(path), None, f"cannot merge learned rules into this file: {error}") from error


def _write_site(site: LearnedSite, folder: Path, previous: list[tuple[Path, dict]]) -> Written:
    path, old = _match_previous(site, folder, previous)
    if old.get("source") == "hand-written":
        return Written(path=path, action="kept (hand-written file)", rules=len(old.get("rule", [])), kept=0)
    site.file_id = old.get("id", site.file_id)
    kept = [rule for rule in old.get("rule", []) if isinstance(rule, dict) and _survives(rule)]
    content = render(site, kept)
    action = "unchanged" if path.exists() and path.read_text(encoding="utf-8") == content else "written"
    if action == "written":
        write_atomically(path, content)
        load_rule_file(path)  # what we write must load; a failure here is a bug, reported with file and line
    return Written(path=path, action=action, rules=len(kept) + len(site.rules), kept=len(kept))


def _match_previous(site: LearnedSite, folder: Path, previous: list[tuple[Path, dict]]) -> tuple[Path, dict]:
    """The file this site was learned into before: same id, or (no URL) mostly the same fingerprints."""
    for path, data in previous:
        if data.get("id") == site.file_id:
            return path, data
    if not site.domains and site.fingerprints:
        mine = {normalize_line(f) for f in site.fingerprints}
        for path, data in previous:
            scope = data.get("scope", {})
            theirs = {normalize_line(f) for f in scope.get("fingerprints", [])} if isinstance(scope, dict) else set()
            same_kind = data.get("template") == site.template and not scope.get("domains")
            if same_kind and len(mine & theirs) >= MERGE_MIN_FINGERPRINT_OVERLAP * len(mine):
                return path, data
    return folder / f"{site.file_id}.toml", {}


def _survives(rule: dict) -> bool:
    """Hand-written, disabled, or learned and then edited by hand: re-learning must not touch it."""
    if rule.get("source", "hand-written") != "learned" or rule.get("enabled", True) is False:
        return True
    return rule.get("digest") != digest(rule)


def render(site: LearnedSite, kept: list[dict]) -> str:
    """The rule file as TOML text, byte-identical for the same input."""
    out = [
        f"# Learned by `cleaner learn` from {site.pages} pages ({site.contents} distinct contents).",
        '# Re-learning keeps rules with source = "hand-written", rules edited by hand and rules set to',
        "# enabled = false; the lines of a disabled rule are never learned again.",
        "schema_version = 1",
        f"id = {_string(site.file_id)}",
        f"description = {_string(site.description)}",
        'source = "learned"',
        f"template = {_string(site.template)}",
        f"pages = {site.pages}",
        "",
        "[scope]",
    ]
    if site.domains:
        out.append(f"domains = {_inline_list(site.domains)}")
    if site.fingerprints:
        out.append("# Lines that recognise the site's text pages when no URL is known.")
        out += _list("fingerprints", site.fingerprints)
        out.append(f"min_fingerprints = {site.min_fingerprints}")
    kept_ids = {rule.get("id") for rule in kept}
    suppressed = _suppressed(kept)
    if kept:
        out += ["", "# ---- kept from the previous file: hand-written, edited by hand, or disabled ----"]
        for rule in kept:
            out += ["", *_rule_table(rule)]
    for learned in site.rules:
        table = _learned_table(site.file_id, learned, suppressed, kept_ids)
        if table is not None:
            out += ["", f"# Seen on {learned.pages} of {site.contents} distinct contents.", *_rule_table(table)]
    return "\n".join(out) + "\n"


def _suppressed(kept: list[dict]) -> set[str]:
    """What kept rules already say: normalised lines, and patterns, block starts and XPaths as written."""
    said: set[str] = set()
    for rule in kept:
        said.update(normalize_line(line) for line in rule.get("lines", []) if isinstance(line, str))
        said.update(str(rule[key]) for key in ("pattern", "start", "xpath") if key in rule)
    return said


def _learned_table(file_id: str, learned: LearnedRule, suppressed: set[str], taken: set) -> dict | None:
    table: dict = {"kind": learned.kind}
    if learned.kind == "line":
        lines = [line for line in learned.lines if normalize_line(line) not in suppressed]
        if not lines:
            return None
        table["lines"] = lines
    elif learned.kind == "pattern":
        if learned.pattern in suppressed:
            return None
        table["pattern"] = learned.pattern
    elif learned.kind == "block":
        if learned.start in suppressed:
            return None
        table["start"] = learned.start
        if learned.end:  # a learned end is always required: see HEADER_ANCHOR
            table.update(end=learned.end, end_required=True)
    else:
        if learned.xpath in suppressed:
            return None
        table["xpath"] = learned.xpath
    rule_id, number = f"{file_id}.{learned.name}", 1
    while rule_id in taken:
        number += 1
        rule_id = f"{file_id}.{learned.name}-{number}"
    table.update(id=rule_id, source="learned", pages=learned.pages, share=round(learned.share, 3))
    if learned.note:
        table["note"] = learned.note
    table["digest"] = digest(table)
    return table


def _rule_table(rule: dict) -> list[str]:
    out = ["[[rule]]"]
    for key in RULE_KEY_ORDER + tuple(sorted(set(rule) - set(RULE_KEY_ORDER) - set(RULE_CONTENT_ORDER))):
        if key in rule:
            out.append(f"{key} = {_value(rule[key])}")
    for key in RULE_CONTENT_ORDER:
        if key in rule:
            value = rule[key]
            out += _list(key, value) if isinstance(value, list) else [f"{key} = {_value(value)}"]
    return out


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return _inline_list(value)
    return _string(str(value))


def _list(key: str, values: list) -> list[str]:
    return [f"{key} = [", *(f"  {_value(v)}," for v in values), "]"]


def _inline_list(values: list) -> str:
    return "[" + ", ".join(_value(v) for v in values) + "]"


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and DEL (allowed by JSON) is escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_atomically(path: Path, content: str) -> None:
    """Write to a temporary file in the same folder, then rename: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
