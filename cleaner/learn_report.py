"""The page `cleaner learn --report` writes: per site, its learned rules and one page with drops struck through.

A person reviewing learned rules needs to see them at work: each site's sample page is cleaned
with the rules just written, every dropped line is struck through and names the rule or reason
that dropped it, and lines dropped by learned rules are marked apart from the classifier's.
"""

from __future__ import annotations

import html
from pathlib import Path

from cleaner.learn import LearnedSite
from cleaner.learn_write import Written, write_atomically
from cleaner.pipeline import Cleaner

REPORT_MAX_LINES = 400  # lines of a sample page shown: enough to judge, small enough to open

_STYLE = """
body { font-family: sans-serif; max-width: 70em; margin: 2em auto; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; font-size: 90%; }
.page { font-family: monospace; font-size: 85%; white-space: pre-wrap; }
.learned { color: #b00; } .other { color: #888; } .kept { color: #000; }
"""


def write_report(path: Path, sites: list[LearnedSite], written: list[Written], rules_dir: Path) -> None:
    """Write the HTML report atomically; sample pages are cleaned with the rules now in rules_dir."""
    cleaner = Cleaner(extra_rules_dirs=[rules_dir])
    learned_ids = {rule.id for file in cleaner.rule_files if file.source == "learned" for rule in file.rules}
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>cleaner learn report</title>",
        f"<style>{_STYLE}</style></head><body><h1>Learned rules</h1>",
        "<p>Struck through and red: dropped by a learned rule; grey: dropped by another rule or the classifier.</p>",
    ]
    files = {outcome.path.stem: outcome for outcome in written}
    for site in sites:
        parts.append(_site_section(site, files.get(site.file_id), cleaner, learned_ids))
    parts.append("</body></html>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, "\n".join(parts))


def _site_section(site: LearnedSite, outcome: Written | None, cleaner: Cleaner, learned_ids: set[str]) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(site.file_id)}.{esc(rule.name)}</td><td>{rule.kind}</td><td>{rule.pages}</td>"
        f"<td>{rule.share:.2f}</td><td>{esc(_summary(rule))}</td></tr>"
        for rule in site.rules
    )
    where = f" &rarr; {esc(str(outcome.path))} ({esc(outcome.action)})" if outcome else ""
    out = [
        f"<h2>{esc(site.file_id)}</h2><p>{esc(site.description)}{where}</p>",
        "<table><tr><th>rule</th><th>kind</th><th>contents</th><th>share</th><th>what</th></tr>",
        rows,
        "</table>",
    ]
    if site.sample is not None:
        out.append(f"<h3>Sample page: {esc(site.sample.id)}</h3>")
        out.append(_sample_page(site, cleaner, learned_ids))
    return "\n".join(out)


def _summary(rule) -> str:
    if rule.kind == "line":
        shown = "; ".join(rule.lines[:5])
        return f"{len(rule.lines)} lines: {shown}" + (" ..." if len(rule.lines) > 5 else "")
    return rule.pattern or rule.start or rule.xpath


def _sample_page(site: LearnedSite, cleaner: Cleaner, learned_ids: set[str]) -> str:
    esc = html.escape
    doc = cleaner.clean_source(site.sample)
    if doc.error:
        return f"<p>could not clean: {esc(doc.error)}</p>"
    rows = []
    for line in doc.lines[:REPORT_MAX_LINES]:
        if line.keep:
            rows.append(f"<div class='kept'>{esc(line.text)}</div>")
        else:
            style = "learned" if line.reason in learned_ids else "other"
            rows.append(f"<div class='{style}' title='{esc(line.reason)}'><s>{esc(line.text)}</s></div>")
    return "<div class='page'>" + "\n".join(rows) + "</div>"
