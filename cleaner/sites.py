"""Which site a document comes from and which rule files apply to it."""

from __future__ import annotations

from functools import cache, lru_cache
from urllib.parse import urlsplit

import tldextract

from cleaner.document import Document
from cleaner.rules import NormalizedLines, PageLines, PatternSet, RuleFile, combined_patterns, normalize_lines


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=(): use the public suffix list snapshot shipped with tldextract, never the network.
    # Private suffixes (blogspot.com, github.io) count: each blog on a shared host is its own site, so
    # rules learned from one Blogger blog are not applied to every other one.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower().removeprefix("www.") if host else None


def registered_domain(url: str | None) -> str | None:
    """The registered domain ("defense.gov", "bbc.co.uk") of a URL, or None."""
    host = host_of(url)
    if not host:
        return None
    parts = _extractor()(host)
    return parts.top_domain_under_public_suffix or host


def select_rule_files(
    doc: Document, rule_files: list[RuleFile], lines: list[str], normalized: list[str] | None = None
) -> list[RuleFile]:
    """The rule files that apply to the document; sets doc.site and doc.families on the way.

    A file applies when its scope is everywhere, when the document's site is one of its
    domains, or when at least `min_fingerprints` of its fingerprint lines occur in the
    document (how text with no URL is recognised). A page is one site: of the learned site
    files (template = "site") recognised by fingerprints alone, only the one whose
    fingerprints the page shows best applies, and none when its URL already named one.
    `normalized` is `normalize_lines(lines)` when the caller has it (and no line is blank).
    """
    doc.site = registered_domain(doc.url)
    host = host_of(doc.url)
    hits = _fingerprint_hits(rule_files, lines, normalized)
    chosen: list[RuleFile] = []
    sites_by_print: list[tuple[float, RuleFile]] = []
    for number, rule_file in enumerate(rule_files):
        if rule_file.applies_to_site(doc.site, host):
            chosen.append(rule_file)
            continue
        if not rule_file.scope.has_fingerprints:
            continue
        if hits[number] < rule_file.scope.min_fingerprints:
            continue
        if rule_file.template == "site":
            sites_by_print.append((hits[number] / len(rule_file.scope.fingerprint_texts), rule_file))
            continue
        chosen.append(rule_file)
        _recognised(doc, rule_file)
    if sites_by_print and not any(rule_file.template == "site" for rule_file in chosen):
        best = max(sites_by_print, key=lambda item: item[0])[1]  # on a tie, the first loaded
        chosen.append(best)
        _recognised(doc, best)
    return chosen


def _fingerprint_hits(rule_files: list[RuleFile], lines: list[str], normalized: list[str] | None) -> list[int]:
    """How many distinct fingerprints of each file occur among the document's non-blank lines, normalised.

    The fingerprint patterns of all files run as one set over the page: one pass, not one per file.
    """
    if not any(rule_file.scope.has_fingerprints for rule_file in rule_files):
        return [0] * len(rule_files)
    if normalized is None:
        normalized = normalize_lines([line for line in lines if line.strip()])
    hits = [0] * len(rule_files)
    files_of = _files_of_fingerprint(tuple(rule_file.scope.fingerprint_lines for rule_file in rule_files))
    for line in files_of.keys() & normalized:  # looks the page's lines up, without building a set of them
        for number in files_of[line]:
            hits[number] += 1
    patterns, owners = combined_patterns(tuple(rule_file.scope.fingerprint_set for rule_file in rule_files))
    if not patterns.patterns:
        return hits
    # NormalizedLines.haystack holds every line at no cost; else the lines are joined, once.
    page = None
    haystack = normalized.haystack if isinstance(normalized, NormalizedLines) else None
    if haystack is None:
        page = haystack = "\n".join(normalized)
    if _may_match(patterns, haystack):
        page = "\n".join(normalized) if page is None else page
        for index in patterns.matched(PageLines(normalized, page)):  # normalised lines hold no line break
            hits[owners[index]] += 1
    return hits


@lru_cache(maxsize=256)
def _files_of_fingerprint(fingerprint_lines: tuple[frozenset[str], ...]) -> dict[str, tuple[int, ...]]:
    """Each exact fingerprint line -> the numbers of the files (given by their fingerprint lines) that list it."""
    files_of: dict[str, tuple[int, ...]] = {}
    for number, lines in enumerate(fingerprint_lines):
        for line in lines:
            files_of[line] = (*files_of.get(line, ()), number)
    return files_of


def _may_match(patterns: PatternSet, page: str) -> bool:
    """Whether a fingerprint pattern may match a normalised line in `page`: not when its literal is missing.

    A line a pattern matches holds its literal (see fingerprint_pattern); a substring search for a
    few words costs a fraction of encoding the page for RE2 and running the set over it.
    """
    return any(pattern.literal is None or pattern.literal in page for pattern in patterns.patterns)


def _recognised(doc: Document, rule_file: RuleFile) -> None:
    """Record a file recognised by its fingerprints: as the site when it names one, else as a family."""
    if rule_file.scope.domains and doc.site is None:
        doc.site = rule_file.scope.domains[0]
    elif not rule_file.scope.domains:
        doc.families.append(rule_file.id)
