"""Which pages belong to one site, and which of a site's pages carry the same content.

A page with a URL belongs to its registered domain. A text page with no URL joins the site whose
template profile (the short opening and closing lines its pages share) holds most of its own
opening and closing lines, or starts a new site. Prose lines never enter a signature: an article
syndicated to several sites must not pull their pages together.

Within a site, pages that share most of their prose lines carry one content (the same article
crawled twice, or syndicated): they count once when shares are computed (the syndication guard).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cleaner.learn_config import (
    CLUSTER_MIN_OVERLAP,
    DUPLICATE_JACCARD,
    PROFILE_MIN_PAGES,
    PROFILE_SHARE,
)
from cleaner.learn_pages import PageSketch


@dataclass(slots=True)
class SiteGroup:
    """The pages of one site: a sample of sketches plus its template profile."""

    number: int
    domain: str | None
    sample: list[PageSketch] = field(default_factory=list)
    seen: int = 0  # pages assigned, sampled or not
    profile: Counter = field(default_factory=Counter)  # signature hash -> pages of the sample holding it

    def holds(self, line: int) -> bool:
        """Whether a signature line is part of the site's template profile (not a one-page accident)."""
        count = self.profile.get(line, 0)
        if len(self.sample) < PROFILE_MIN_PAGES:
            return count > 0
        return count >= PROFILE_SHARE * len(self.sample)


class SiteGrouper:
    """Assigns pages to sites one at a time; memory is bounded by the sample kept per site."""

    def __init__(self, sample: int):
        self.sample_size = sample
        self.groups: list[SiteGroup] = []
        self._by_domain: dict[str, SiteGroup] = {}
        self._index: dict[int, list[int]] = {}  # signature hash -> numbers of the sites whose profile has it

    def add(self, page: PageSketch) -> SiteGroup:
        group = self._by_domain.get(page.site) if page.site else self._best_match(page)
        if group is None:
            group = SiteGroup(number=len(self.groups), domain=page.site)
            self.groups.append(group)
            if page.site:
                self._by_domain[page.site] = group
        group.seen += 1
        if len(group.sample) < self.sample_size:
            group.sample.append(page)
            for line in page.signature:
                if line not in group.profile:
                    self._index.setdefault(line, []).append(group.number)
                group.profile[line] += 1
        return group

    def _best_match(self, page: PageSketch) -> SiteGroup | None:
        """The site whose profile holds the largest share of the page's signature, if large enough."""
        if not page.signature:
            return None
        votes: Counter = Counter()
        weighted: Counter = Counter()
        for line in page.signature:
            holders = [number for number in self._index.get(line, ()) if self.groups[number].holds(line)]
            for number in holders:
                votes[number] += 1
                # A line many sites share ("Privacy Policy") says little about which site this is.
                weighted[number] += 1 / len(holders)
        if not votes:
            return None
        number = min(weighted, key=lambda n: (-weighted[n], n))
        return self.groups[number] if votes[number] >= CLUSTER_MIN_OVERLAP * len(page.signature) else None


def content_groups(pages: list[PageSketch]) -> list[int]:
    """For each page, the number of its content: pages sharing most of their prose lines share one.

    Two pages carry the same content when the Jaccard similarity of their prose-line hashes is
    at least DUPLICATE_JACCARD (a line-level MinHash without the sampling: the sets are small).
    Pages with no prose are each their own content.
    """
    parent = list(range(len(pages)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    holders: dict[int, list[int]] = {}
    for index, page in enumerate(pages):
        for line in page.prose:
            holders.setdefault(line, []).append(index)
    for index, page in enumerate(pages):
        shared: Counter = Counter(other for line in page.prose for other in holders[line] if other < index)
        for other, count in shared.items():
            union = len(page.prose) + len(pages[other].prose) - count
            if count >= DUPLICATE_JACCARD * union:
                parent[root(index)] = root(other)
    return [root(index) for index in range(len(pages))]
