"""Which site a document comes from and which rule files apply to it."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import tldextract

from cleaner.document import Document
from cleaner.rules import RuleFile, normalize_line


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=(): use the public suffix list snapshot shipped with tldextract, never the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


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


def select_rule_files(doc: Document, rule_files: list[RuleFile], lines: list[str]) -> list[RuleFile]:
    """The rule files that apply to the document; sets doc.site and doc.families on the way.

    A file applies when its scope is everywhere, when the document's site is one of its
    domains, or when at least `min_fingerprints` of its fingerprint lines occur in the
    document (how text with no URL is recognised).
    """
    doc.site = registered_domain(doc.url)
    host = host_of(doc.url)
    normalized = {normalize_line(line) for line in lines if line.strip()}
    chosen = []
    for rule_file in rule_files:
        by_site = rule_file.applies_to_site(doc.site, host)
        by_print = (
            not by_site
            and rule_file.scope.has_fingerprints
            and rule_file.fingerprint_hits(normalized) >= rule_file.scope.min_fingerprints
        )
        if by_site or by_print:
            chosen.append(rule_file)
            if by_print:
                if rule_file.scope.domains and doc.site is None:
                    doc.site = rule_file.scope.domains[0]
                elif not rule_file.scope.domains:
                    doc.families.append(rule_file.id)
    return chosen
