"""A seeded generator of multi-page sites as full-page text dumps, with gold bodies.

Each site has a template: a header (site name, menu, tagline), teaser lists drawn from the
site's pool (they change from page to page, as on a live site), a dated "Posted on" line, the
article, then prose the classifier keeps and only learned rules can tell is template: a constant
promotional paragraph and a comment counter line (a pattern), and a footer with a copyright line.
Articles are random prose built from a vocabulary with enough stopwords to read as English to the classifier. The same
seed gives the same crawl, byte for byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

_STOP = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "was",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "this",
    "be",
    "have",
    "are",
    "or",
    "an",
]
_WORDS = [
    "council",
    "budget",
    "river",
    "school",
    "market",
    "energy",
    "report",
    "city",
    "plan",
    "water",
    "health",
    "station",
    "farmers",
    "museum",
    "harbor",
    "policy",
    "transit",
    "library",
    "weather",
    "election",
    "bridge",
    "festival",
    "hospital",
    "students",
    "engineers",
    "program",
    "funding",
    "county",
    "residents",
    "project",
    "community",
    "officials",
    "industry",
    "teachers",
    "research",
    "company",
    "workers",
    "village",
    "mayor",
    "agency",
    "forest",
    "railway",
    "coast",
    "voters",
    "airport",
    "garden",
]
_MENU = [
    "Home",
    "News",
    "Sports",
    "Business",
    "Opinion",
    "Culture",
    "Science",
    "Travel",
    "Weather",
    "Podcasts",
    "Video",
    "Events",
]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    menu: tuple[str, ...]
    tagline: str
    promo: str  # a long constant paragraph after every article: template that reads like prose
    footer: tuple[str, ...]


def sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(_STOP) if i % 2 else rng.choice(_WORDS) for i in range(words)]
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(12, 22)) for _ in range(rng.randint(2, 4)))


def make_site(rng: random.Random, number: int) -> Site:
    name = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()} Gazette {number}"
    return Site(
        name=name,
        menu=(*rng.sample(_MENU, 4), *(f"{word.title()} desk of the {name}" for word in rng.sample(_WORDS, 4))),
        tagline=f"The {name} — news for the {rng.choice(_WORDS)} of {rng.choice(_WORDS)} since {1900 + number}",
        promo=(
            f"Support the {name}: our reporters cover the {rng.choice(_WORDS)} and the {rng.choice(_WORDS)} "
            f"every day, and it is the help of readers like you that keeps this work free for all to read."
        ),
        footer=(f"About the {name}", "Contact us | Advertise | Privacy | Terms", f"Newsletter of {name}"),
    )


def page_lines(rng: random.Random, site: Site, article: list[str], headline: str, pool: list[str]) -> list[str]:
    """One page: the template around the article, with teasers drawn from the pool."""
    day = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(2015, 2024)}"
    lines = [site.name, *(f"• {item}" for item in site.menu), site.tagline, "", "Most read"]
    lines += [f"• {teaser}" for teaser in rng.sample(pool, 4)]
    lines += ["", headline, f"Posted on {day} by the {site.name} desk", ""]
    lines += [line for text in article for line in (text, "")]
    comments = rng.randint(2, 999)
    lines += [
        site.promo,
        "",
        (
            f"There are {comments} comments from readers of the {site.name} on this story; "
            "please keep the discussion civil and on topic."
        ),
        "",
        "Related stories",
    ]
    lines += [f"• {teaser}" for teaser in rng.sample(pool, 3)]
    lines += ["", *site.footer, f"Copyright 2004-{rng.randint(2019, 2026)} {site.name}. All rights reserved."]
    return lines


def make_article(rng: random.Random) -> tuple[str, list[str]]:
    return sentence(rng, 8).rstrip("."), [paragraph(rng) for _ in range(rng.randint(4, 7))]


def write_crawl(
    folder: Path,
    sites: int,
    pages_per_site: int,
    seed: int = 1,
    syndicated: int = 0,
    flat: bool = False,
) -> dict[str, str]:
    """Write the crawl (site-N/page-K.txt, or one flat folder) and return id -> gold body.

    With `syndicated` > 0, that many sites carry one and the same article on their first page.
    """
    rng = random.Random(seed)
    shared = make_article(rng)
    gold: dict[str, str] = {}
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(sites):
        site = make_site(rng, number)
        pool = [sentence(rng, 9).rstrip(".") for _ in range(40)]  # each site teases its own stories
        for page in range(1, pages_per_site + 1):
            headline, article = shared if (number < syndicated and page == 1) else make_article(rng)
            name = f"s{number:03d}p{page:03d}.txt" if flat else f"site-{number:03d}/page-{page}.txt"
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(page_lines(rng, site, article, headline, pool)) + "\n", encoding="utf-8")
            gold[name] = "\n".join(article)
    return gold
