"""The training data recipe: text lines of the labelled pages, each labelled body or not.

Pages: /work/shared/dev/text/*.txt (gold in dev/gold.json) and dev/sites/<site>/page-K.txt (gold in
dev/sites/gold.json). Lines are what the classifier sees: normalised, split and unwrapped by
cleaner.text (no rules: the classifier must work on pages no rule covers).

Label: a line is body when its tokens are a whole gold paragraph, or when most of its 4-token
shingles occur in the gold body (a long line that is a slice of a paragraph). Short lines must
match a whole paragraph, so that a menu word that happens to occur in the article is not body.

Honest split, by template AND by article: the site folders share templates with the dev pages
(folder suffix = dev page hash prefix) and their articles are dev articles ("donor"). A site is
held out when its folder's hash suffix sorts into HOLDOUT_BUCKET (a fixed, documented rule,
independent of any score). Held out: the held-out sites' folders, their dev pages, and every
site page whose article comes from a held-out dev page.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cleaner import text as text_mod
from cleaner.document import Line

SHARED = Path("/work/shared/dev")
HOLDOUT_BUCKETS = 5  # one site in five is held out ...
HOLDOUT_BUCKET = 0  # ... the ones whose md5(site folder name) % HOLDOUT_BUCKETS equals this
LABEL_SHINGLE_SHARE = 0.5  # a long line is body when this share of its shingles is in the gold body
LABEL_MIN_TOKENS = 4  # below this, a line must equal a whole gold paragraph

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Page:
    key: str  # dev hash, or SITE/page-K
    site: str  # the template id: the dev page's hash prefix (6 characters)
    article: str  # the article id: the dev page hash whose article the page carries
    path: Path
    gold: str
    lines: list[Line]
    labels: list[int]


def site_held_out(site_folder: str) -> bool:
    """The fixed held-out rule: by the folder name's md5, never by score."""
    return int(hashlib.md5(site_folder.encode()).hexdigest(), 16) % HOLDOUT_BUCKETS == HOLDOUT_BUCKET


def read_lines(path: Path) -> list[Line]:
    raw = path.read_bytes().decode("utf-8", errors="replace")
    return text_mod.split_and_unwrap(text_mod.normalize_text(raw))[0]


def label_lines(lines: list[Line], gold: str) -> list[int]:
    gold_tokens = _TOKEN.findall(gold)
    paragraphs = {" ".join(_TOKEN.findall(p)) for p in re.split(r"\n\s*\n|\n", gold) if p.strip()}
    shingles = Counter(tuple(gold_tokens[i : i + 4]) for i in range(max(0, len(gold_tokens) - 3)))
    labels = []
    for line in lines:
        tokens = _TOKEN.findall(line.text)
        if not tokens:
            labels.append(0)
        elif " ".join(tokens) in paragraphs:
            labels.append(1)
        elif len(tokens) < LABEL_MIN_TOKENS:
            labels.append(0)
        else:
            own = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
            share = sum(1 for s in own if s in shingles) / len(own)
            labels.append(int(share >= LABEL_SHINGLE_SHARE))
    return labels


def load_pages(root: Path = SHARED) -> list[Page]:
    """Every labelled page: the dev pages and the site pages."""
    dev_gold = json.loads((root / "gold.json").read_text())
    site_gold = json.loads((root / "sites" / "gold.json").read_text())
    folders = {p.name.rsplit("-", 1)[1]: p.name for p in (root / "sites").iterdir() if p.is_dir()}
    pages = []
    for key, record in sorted(dev_gold.items()):
        path = root / "text" / f"{key}.txt"
        pages.append(_page(key, key[:6], key[:6], path, record["articleBody"]))
    for key, record in sorted(site_gold.items()):
        folder, page = key.split("/")
        path = root / "sites" / folder / f"{page}.txt"
        pages.append(_page(key, folder.rsplit("-", 1)[1], record["donor"][:6], path, record["articleBody"]))
    held = {suffix for suffix, folder in folders.items() if site_held_out(folder)}
    for page in pages:
        page.held_out = page.site in held or page.article in held
    return pages


def _page(key: str, site: str, article: str, path: Path, gold: str) -> Page:
    lines = read_lines(path)
    return Page(key, site, article, path, gold, lines, label_lines(lines, gold))


def clean_copies(pages: list[Page]) -> list[Page]:
    """Each dev page's gold body as a page of its own, every line body.

    Some inputs are already clean (a press release, an article body): they must come through whole.
    Without these copies every training page has boilerplate around its article, and the context
    features would learn that a page's first and last prose cannot be body.
    """
    copies = []
    for page in pages:
        if "/" in page.key:
            continue  # site pages carry dev articles: one copy per article is enough
        lines = text_mod.split_lines(text_mod.normalize_text(page.gold))
        copies.append(Page(f"{page.key}#clean", page.site, page.article, page.path, page.gold, lines, [1] * len(lines)))
        copies[-1].held_out = page.held_out
    return copies
