"""`cleaner learn`: learned rules improve cleaning of unseen pages, deterministically, and people stay in charge.

Every crawl here is generated (tests/sitegen.py, seeded), so the tests need nothing outside tests/.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import tomllib
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import app
from cleaner.document import Decider, Document, Line
from cleaner.evaluate import f1, precision, recall, tp_fp_fn
from cleaner.learn import learn, pattern_for
from cleaner.learn_check import anchor_pattern, footer_anchor, header_anchors, keeps_body, keeps_top
from cleaner.learn_config import FOOTER_MAX_LOST_SHARE
from cleaner.learn_pages import line_hash
from cleaner.learn_write import write_rules
from cleaner.pipeline import guard_learned_rules
from cleaner.rules import compile_pattern, load_rule_file, normalize_line
from tests.sitegen import make_article, make_site, page_lines, write_crawl

LEARN_PAGES = range(1, 6)
UNSEEN_PAGES = range(6, 9)


def _split(crawl: Path, tmp_path: Path) -> tuple[Path, list[Path]]:
    """Pages 1-5 of every site copied to a folder to learn from; pages 6-8 left unseen."""
    seen = tmp_path / "seen"
    unseen = []
    for page in sorted(crawl.rglob("page-*.txt")):
        number = int(page.stem.split("-")[1])
        if number in LEARN_PAGES:
            target = seen / page.relative_to(crawl)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
        else:
            unseen.append(page)
    return seen, unseen


def _learn_into(inputs: list[Path], rules: Path, **options) -> list:
    result = learn(inputs, **options)
    write_rules(result.sites, rules)
    return result.sites


def _mean_f1(cleaner: Cleaner, pages: list[Path], gold: dict[str, str], crawl: Path) -> float:
    ps, rs = [], []
    for page in pages:
        counts = tp_fp_fn(gold[page.relative_to(crawl).as_posix()], cleaner.clean(page.read_bytes()).text)
        ps.append(precision(*counts))
        rs.append(recall(*counts))
    return f1(statistics.mean(ps), statistics.mean(rs))


@pytest.fixture
def crawl(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "crawl"
    return folder, write_crawl(folder, sites=3, pages_per_site=8, seed=11)


def test_learning_improves_cleaning_of_pages_not_learned_from(crawl, tmp_path):
    folder, gold = crawl
    seen, unseen = _split(folder, tmp_path)
    _learn_into([seen], tmp_path / "rules")
    before = _mean_f1(Cleaner(), unseen, gold, folder)
    after = _mean_f1(Cleaner(extra_rules_dirs=[tmp_path / "rules"]), unseen, gold, folder)
    assert after > before
    assert after >= 0.99
    text = Cleaner(extra_rules_dirs=[tmp_path / "rules"]).clean(unseen[0].read_bytes()).text
    assert "Support the" not in text  # the constant promo paragraph: prose only a learned rule removes
    assert "comments from readers" not in text  # the counter line: a learned pattern


def test_text_pages_with_no_url_are_recognised_by_fingerprints(crawl, tmp_path):
    folder, _gold = crawl
    seen, unseen = _split(folder, tmp_path)
    sites = _learn_into([seen], tmp_path / "rules")
    site_files = [site for site in sites if site.template == "site"]
    assert len(site_files) == 3  # one per generated site, found by template alone
    cleaner = Cleaner(extra_rules_dirs=[tmp_path / "rules"])
    for page in unseen:
        doc = cleaner.clean(page.read_bytes())
        matched = [family for family in doc.families if family.startswith("site.")]
        assert len(matched) == 1, (page, doc.families)
        name_line = page.read_text(encoding="utf-8").splitlines()[0]  # the site's name, first line of each page
        matched_file = next(site for site in site_files if site.file_id == matched[0])
        assert normalize_line(name_line) in {normalize_line(f) for f in matched_file.fingerprints}


def test_learning_is_deterministic(crawl, tmp_path):
    folder, _gold = crawl
    _learn_into([folder], tmp_path / "a")
    _learn_into([folder], tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").glob("*.toml"))
    assert names == sorted(p.name for p in (tmp_path / "b").glob("*.toml"))
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_learned_files_pass_rules_check_and_carry_provenance(crawl, tmp_path):
    folder, _gold = crawl
    _learn_into([folder], tmp_path / "rules")
    result = CliRunner().invoke(app, ["rules", "check", str(tmp_path / "rules")])
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "rules").glob("*.toml"):
        rule_file = load_rule_file(path)
        assert rule_file.source == "learned"
        assert path.read_text(encoding="utf-8").startswith("# Learned by `cleaner learn`")
        assert all(rule.source == "learned" and rule.pages and rule.share for rule in rule_file.rules)


def _site_file(rules: Path) -> Path:
    return sorted(rules.glob("site.*.toml"))[0]


def test_relearning_keeps_hand_written_and_hand_edited_rules(crawl, tmp_path):
    folder, _gold = crawl
    rules = tmp_path / "rules"
    _learn_into([folder], rules)
    path = _site_file(rules)
    raw = path.read_text(encoding="utf-8")
    first_line_rule = raw.index("[[rule]]")
    edited = raw.replace("lines = [\n", 'lines = [\n  "A line a person added",\n', 1)
    hand = '\n[[rule]]\nid = "mine.footer"\nkind = "line"\nsource = "hand-written"\nlines = ["Written by me"]\n'
    path.write_text(edited[:first_line_rule] + edited[first_line_rule:] + hand, encoding="utf-8")
    _learn_into([folder], rules)
    relearned = load_rule_file(path)
    by_id = {rule.id: rule for rule in relearned.rules}
    assert "mine.footer" in by_id and by_id["mine.footer"].lines == frozenset({"written by me"})
    edited_rules = [rule for rule in relearned.rules if "a line a person added" in rule.lines]
    assert len(edited_rules) == 1  # the edited rule survived as edited
    # What the edited rule says is not learned a second time into a new rule.
    lines = [line for rule in relearned.rules for line in rule.lines]
    assert len(lines) == len(set(lines))
    assert CliRunner().invoke(app, ["rules", "check", str(rules)]).exit_code == 0


def test_a_disabled_rule_stays_disabled_and_is_not_relearned(crawl, tmp_path):
    folder, _gold = crawl
    rules = tmp_path / "rules"
    _learn_into([folder], rules)
    path = _site_file(rules)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    pattern_rule = next(rule for rule in data["rule"] if rule["kind"] == "pattern")
    raw = path.read_text(encoding="utf-8")
    marker = f'id = "{pattern_rule["id"]}"\n'
    path.write_text(raw.replace(marker, marker + "enabled = false\n"), encoding="utf-8")
    _learn_into([folder], rules)
    relearned = load_rule_file(path)
    patterns = [rule for rule in relearned.rules if rule.kind.value == "pattern"]
    assert [rule.enabled for rule in patterns] == [False]
    unseen = folder / "site-000" / "page-8.txt"
    doc = Cleaner(extra_rules_dirs=[rules]).clean(unseen.read_bytes())
    assert pattern_rule["id"] not in doc.rules


def test_a_hand_written_file_is_never_touched(crawl, tmp_path):
    folder, _gold = crawl
    rules = tmp_path / "rules"
    _learn_into([folder], rules)
    path = _site_file(rules)
    content = path.read_text(encoding="utf-8").replace(
        'source = "learned"\ntemplate', 'source = "hand-written"\ntemplate'
    )
    path.write_text(content, encoding="utf-8")
    _learn_into([folder], rules)
    assert path.read_text(encoding="utf-8") == content


def test_syndicated_article_on_three_sites_is_not_learned(tmp_path):
    folder = tmp_path / "crawl"
    gold = write_crawl(folder, sites=3, pages_per_site=4, seed=5, syndicated=3)
    article = gold["site-000/page-1.txt"]
    assert gold["site-001/page-1.txt"] == gold["site-002/page-1.txt"] == article
    rules = tmp_path / "rules"
    _learn_into([folder], rules)
    learned = "\n".join(path.read_text(encoding="utf-8") for path in rules.glob("*.toml"))
    assert all(paragraph[:60] not in learned for paragraph in article.split("\n"))
    cleaner = Cleaner(extra_rules_dirs=[rules])
    for site in ("site-000", "site-001", "site-002"):
        text = cleaner.clean((folder / site / "page-1.txt").read_bytes()).text
        assert text == article.replace("\n", "\n\n")


def test_near_duplicate_pages_of_one_site_count_once(tmp_path):
    """The same article crawled on most of a site's pages (with changing teasers) is not its template."""
    rng = random.Random(3)
    site = make_site(rng, 1)
    pool = [f"Teaser number {n} about the harbor" for n in range(30)]
    repeated = make_article(rng)
    folder = tmp_path / "crawl"
    folder.mkdir()
    for page in range(1, 7):
        headline, article = repeated if page <= 4 else make_article(rng)
        lines = page_lines(rng, site, article, headline, pool)
        (folder / f"page-{page}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules = tmp_path / "rules"
    _learn_into([folder], rules)
    learned = "\n".join(path.read_text(encoding="utf-8") for path in rules.glob("*.toml"))
    assert "Support the" in learned  # the site's promo paragraph is template: on every distinct content
    assert all(paragraph[:60] not in learned for paragraph in repeated[1])


def test_sites_with_too_few_pages_are_not_learned(tmp_path):
    folder = tmp_path / "crawl"
    write_crawl(folder, sites=2, pages_per_site=2, seed=2)
    result = learn([folder], min_pages=3)
    assert result.sites == []
    assert result.skipped_sites >= 1


def test_bad_input_is_reported_and_learning_goes_on(crawl, tmp_path):
    folder, _gold = crawl
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    result = learn([folder])
    assert any("broken.txt" in error and "PNG" in error for error in result.errors)
    assert len([site for site in result.sites if site.template == "site"]) == 3


def test_cli_learn_writes_rules_report_and_explain_names_the_rule(crawl, tmp_path):
    folder, _gold = crawl
    seen, unseen = _split(folder, tmp_path)
    rules, report = tmp_path / "rules", tmp_path / "report.html"
    runner = CliRunner()
    result = runner.invoke(app, ["learn", str(seen), "--rules", str(rules), "--report", str(report)])
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert "<s>" in page and "site." in page
    explained = runner.invoke(app, ["explain", str(unseen[0]), "--rules", str(rules)])
    assert explained.exit_code == 0, explained.output
    assert "(learned, seen on 5 pages, share 1.00)" in explained.output


def test_pattern_for_generalises_numbers_and_months():
    example = "• Posted on March 3, 2024 — 17 comments so far on this thread"
    pattern = compile_pattern(pattern_for(example), ("test", None))
    assert pattern.fullmatch("Posted on November 21, 2019 — 4 comments so far on this thread")
    assert pattern.fullmatch("  • Posted on Dec. 1, 2020 — 0 comments so far on this thread")
    assert pattern.fullmatch("Posted on Friday 9, 2020 — 0 comments so far on this thread")
    assert not pattern.fullmatch("Posted on March 3, 2024 — 17 comments so far on another thread")


def test_html_pages_learn_xpath_rules(tmp_path):
    folder = tmp_path / "html"
    folder.mkdir()
    rng = random.Random(4)
    for page in range(1, 6):
        headline, article = make_article(rng)
        body = "".join(f"<p>{paragraph}</p>" for paragraph in article)
        html = (
            f"<html><head><title>{headline}</title>"
            f"<link rel='canonical' href='https://news.example.org/a/{page}'></head><body>"
            "<div id='menu'><a href='/'>Home</a> <a href='/news'>News of the example town</a></div>"
            f"<article><h1>{headline}</h1>{body}</article>"
            "<div class='promo'>Support the Example News: our reporters cover the town every day.</div>"
            "</body></html>"
        )
        (folder / f"page-{page}.html").write_text(html, encoding="utf-8")
    sites = learn([folder]).sites
    site = next(site for site in sites if site.file_id == "site.example.org")
    xpaths = {rule.xpath for rule in site.rules if rule.kind == "xpath"}
    assert "//div[@id='menu'][normalize-space(.)='Home News of the example town']" in xpaths
    promo = "Support the Example News: our reporters cover the town every day."
    assert f"/html/body/div[@class='promo'][normalize-space(.)='{promo}']" in xpaths
    assert not any("article" in xpath or "/p[" in xpath for xpath in xpaths)
    rules = tmp_path / "rules"
    write_rules(sites, rules)
    page = (folder / "page-5.html").read_bytes()
    text = Cleaner(extra_rules_dirs=[rules]).clean(page).text
    assert "Support the Example News" not in text and "News of the example town" not in text
    assert len(text) > 200


def _block_rule(rules: Path, suffix: str) -> dict:
    data = tomllib.loads(_site_file(rules).read_text(encoding="utf-8"))
    return next(rule for rule in data["rule"] if rule["kind"] == "block" and rule["id"].endswith(suffix))


def _learned_block(crawl, tmp_path: Path, suffix: str) -> tuple[Path, dict, Path, list[str]]:
    """Rules learned on the seen half of the crawl, their block rule ending in `suffix`, and an
    unseen page of site-000 with its gold paragraphs."""
    folder, gold = crawl
    seen, unseen = _split(folder, tmp_path)
    rules = tmp_path / "rules"
    _learn_into([seen], rules)
    page = next(p for p in unseen if p.parent.name == "site-000")
    return rules, _block_rule(rules, suffix), page, gold[page.relative_to(folder).as_posix()].split("\n")


def test_footer_anchor_drops_the_changing_teasers_below_the_article(crawl, tmp_path):
    rules, footer, page, paragraphs = _learned_block(crawl, tmp_path, ".footer")
    start = compile_pattern(footer["start"], ("test", None))
    lines = page.read_text(encoding="utf-8").splitlines()
    anchor = next(n for n, line in enumerate(lines) if start.fullmatch(line.strip()))
    related = lines.index("Related stories")
    assert anchor <= related  # the block starts above the teasers, which change on every page
    doc = Cleaner(extra_rules_dirs=[rules]).clean(page.read_bytes())
    assert all(not line.keep for line in doc.lines[anchor:])
    assert all(paragraph in doc.text for paragraph in paragraphs)


def test_a_page_without_the_footer_anchor_is_cleaned_as_before(crawl, tmp_path):
    rules, footer, page, paragraphs = _learned_block(crawl, tmp_path, ".footer")
    start = compile_pattern(footer["start"], ("test", None))
    kept = [line for line in page.read_text(encoding="utf-8").splitlines() if not start.fullmatch(line.strip())]
    doc = Cleaner(extra_rules_dirs=[rules]).clean("\n".join(kept).encode())
    assert all(paragraph in doc.text for paragraph in paragraphs)
    assert not any(line.reason.endswith(".footer") for line in doc.lines)


def _page(texts: list[str], kept: set[int]) -> Document:
    return Document(id="p", lines=[Line(text=text, keep=n in kept) for n, text in enumerate(texts)])


def test_footer_anchor_is_the_nearest_template_line_after_every_body():
    template = {line_hash(normalize_line(t)) for t in ("Menu", "Share this:", "Related", "Copyright")}
    pages = [
        _page(["Menu", "Story one.", "Share this:", "Teaser a", "Related", "Copyright"], {1}),
        _page(["Menu", "Story two.", "More two.", "Teaser b", "Share this:", "Related", "Copyright"], {1, 2}),
        _page(["Menu", "Story three.", "Related", "Share this:", "Copyright"], {1}),
    ]
    assert footer_anchor(pages, template, set()) == "Share this:"
    # A line that shows twice on some page of the site (a menu item, also in the footer) is never the anchor.
    assert footer_anchor(pages, template, {line_hash("share this:")}) == "Related"
    # The pipeline kept a line after a candidate on one page: that candidate does not close the article.
    pages[2].lines[3].keep = True
    pages[2].lines[3].text = "A paragraph after the box."
    assert footer_anchor(pages, template, set()) == "Copyright"
    assert footer_anchor(pages[:2], template, set()) is None  # too few pages to trust an anchor


def test_footer_anchor_matches_the_line_as_written():
    pattern = compile_pattern(anchor_pattern("Wrestling"), ("test", None))
    assert pattern.fullmatch("Wrestling") and pattern.fullmatch("WRESTLING")
    assert not pattern.fullmatch("• - Wrestling")  # the same word as a menu item above the article


def test_a_footer_rule_that_costs_the_body_a_paragraph_is_not_kept():
    long = "A paragraph of the article that the classifier kept on this page of the site."
    before = _page(["Menu", long, "Senior Editor", long, "Related", "Teaser"], {1, 2, 3})
    edge = _page(["Menu", long, "Senior Editor", long, "Related", "Teaser"], {1, 3})
    paragraph = _page(["Menu", long, "Senior Editor", long, "Related", "Teaser"], {1})
    for doc in (edge, paragraph):
        for line in doc.lines[4:]:
            line.keep, line.reason = False, "site.x.footer"
    # A short edge line may go with the footer, a paragraph may not.
    assert keeps_body([before], [edge], "site.x.footer", FOOTER_MAX_LOST_SHARE)
    assert not keeps_body([before], [paragraph], "site.x.footer", FOOTER_MAX_LOST_SHARE)


# --- header blocks ---------------------------------------------------------------------------


# A real site's template (space.com, copied from shared/dev/sites with its gold): the generated
# crawl's teasers read as prose once the menu above them is gone, so learn (rightly) keeps no header there.
SITE_SAMPLE = Path(__file__).parent / "data" / "site_sample"
SAMPLE_SITE = "space.com-686bb1"


@pytest.fixture(scope="module")
def sample_header(tmp_path_factory) -> tuple[Path, dict]:
    """Rules learned from pages 1-4 of the sample site, and their header block rule."""
    rules = tmp_path_factory.mktemp("rules")
    _learn_into([SITE_SAMPLE / SAMPLE_SITE / f"page-{k}.txt" for k in range(1, 5)], rules)
    return rules, _block_rule(rules, ".header")


@cache
def _sample_gold() -> dict:
    return json.loads((SITE_SAMPLE / "gold.json").read_text(encoding="utf-8"))


def _sample_page(k: int) -> tuple[bytes, str]:
    body = _sample_gold()[f"{SAMPLE_SITE}/page-{k}"]["articleBody"]
    return (SITE_SAMPLE / SAMPLE_SITE / f"page-{k}.txt").read_bytes(), body


@pytest.mark.parametrize("k", range(5, 9))
def test_header_block_drops_the_menu_above_the_article_and_requires_its_end(sample_header, k):
    rules, header = sample_header
    assert header["end_required"] is True
    start, end = (compile_pattern(header[key], ("test", None)) for key in ("start", "end"))
    data, body = _sample_page(k)
    lines = [line.strip() for line in data.decode().splitlines() if line.strip()]
    first = next(n for n, line in enumerate(lines) if start.fullmatch(line))
    last = next(n for n, line in enumerate(lines) if end.fullmatch(line))
    doc = Cleaner(extra_rules_dirs=[rules]).clean(data)
    assert first < last and all(line.reason == header["id"] for line in doc.lines[first : last + 1])
    assert not any(line.reason == header["id"] for line in doc.lines[last + 1 :])
    dropped = [line.text for line in doc.lines if line.reason == header["id"]]
    assert not any(text in body for text in dropped if len(text.split()) > 3)  # no sentence of the article
    assert _f1(body, doc.text) >= _f1(body, Cleaner().clean(data).text)


def test_a_page_without_the_header_end_keeps_its_article(sample_header):
    """The end line missing: the block does nothing (it must not run to the page's end and take the article)."""
    rules, header = sample_header
    end = compile_pattern(header["end"], ("test", None))
    data, body = _sample_page(5)
    kept = [line for line in data.decode().splitlines() if not end.fullmatch(line.strip())]
    doc = Cleaner(extra_rules_dirs=[rules]).clean("\n".join(kept).encode())
    assert not any(line.reason == header["id"] for line in doc.lines)
    assert _f1(body, doc.text) >= 0.8


def _f1(gold: str, text: str) -> float:
    counts = tp_fp_fn(gold, text)
    return f1(precision(*counts), recall(*counts))


def test_header_anchors_are_the_first_and_the_nearest_template_lines_before_every_body():
    template = {line_hash(normalize_line(t)) for t in ("Site", "Menu", "Most read", "Share")}
    pages = [
        _page(["Site", "Menu", "Teaser a", "Most read", "Teaser b", "Story one.", "Share"], {5}),
        _page(["Title two", "Site", "Menu", "Most read", "Story two.", "More two."], {4, 5}),
        _page(["Site", "Most read", "Menu", "Teaser c", "Story three.", "Share"], {4}),
    ]
    assert header_anchors(pages, template, set()) == ("Site", "Most read")
    # A line shown twice on some page of the site never anchors a block.
    assert header_anchors(pages, template, {line_hash("most read")}) == ("Site", "Menu")
    assert header_anchors(pages[:2], template, set()) is None  # too few pages to trust an anchor
    # The start must come before the end on every page.
    assert header_anchors(pages, template, {line_hash("site")}) is None


def test_a_header_that_makes_the_pipeline_keep_lines_above_the_body_is_not_kept():
    long = "A paragraph of the article that the classifier kept on this page of the site."
    texts = ["Page title - Site", "Site", "Menu", "Most read", long, long]
    before = _page(texts, {4, 5})
    moved = _page(texts, {0, 4, 5})  # the title above the header now kept: the edge moved up
    still = _page(texts, {4, 5})
    for doc in (moved, still):
        for line in doc.lines[1:4]:
            line.keep, line.reason = False, "site.x.header"
    assert keeps_top([before], [still], "site.x.header")
    assert not keeps_top([before], [moved], "site.x.header")


def _html_page(headline: str, article: list[str], page: int, extra: str = "") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in article)
    return (
        f"<html><head><title>{headline}</title>"
        f"<link rel='canonical' href='https://news.example.org/a/{page}'></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/staff'>Staff</a></li>"
        "<li><a href='/about'>About the Example News</a></li></ul></nav>"
        f"<article><h1>{headline}</h1>{body}{extra}<p>Briefing</p></article>"
        "</body></html>"
    )


def test_a_one_word_template_line_the_extraction_drops_is_not_learned_on_html(tmp_path):
    # "Staff" (a menu item the extraction drops on every page) as a line rule would drop an unseen
    # article's "STAFF" heading; "Briefing", kept by the extraction inside the article, is learned.
    folder = tmp_path / "html"
    folder.mkdir()
    rng = random.Random(5)
    for page in range(1, 6):
        headline, article = make_article(rng)
        (folder / f"page-{page}.html").write_text(_html_page(headline, article, page), encoding="utf-8")
    sites = learn([folder]).sites
    site = next(site for site in sites if site.file_id == "site.example.org")
    lines = {normalize_line(line) for rule in site.rules if rule.kind == "line" for line in rule.lines}
    assert "briefing" in lines and "staff" not in lines
    rules = tmp_path / "rules"
    write_rules(sites, rules)
    headline, article = make_article(rng)
    page = _html_page(headline, article, 9, extra="<h2>STAFF</h2><p>Director Jane Doe, Writer John Roe</p>")
    text = Cleaner(extra_rules_dirs=[rules]).clean(page).text
    assert "STAFF" in text and "Briefing" not in text


def _lines(spec: str, reasons: dict[int, str] | None = None) -> list[Line]:
    """Lines kept ("K") or dropped by the classifier ("-"), or by the rule named in `reasons`."""
    lines = [Line(text=f"line {i}", keep=mark == "K") for i, mark in enumerate(spec)]
    for i, line in enumerate(lines):
        if not line.keep:
            line.drop((reasons or {}).get(i, "classifier: outside main text"), Decider.CLASSIFIER)
    return lines


def test_learned_rules_cannot_move_the_article_edge_outward_or_drop_what_the_classifier_kept():
    learned = "site.example.org.lines"
    #                 0    1    2    3    4    5    6    7
    # with rules:    drop keep keep  -  keep keep drop keep
    # without:        -    -   keep keep  -   keep keep  -
    lines = _lines("-KK-KK-K", {0: learned, 6: learned})
    without = _lines("--KK-KK-")
    guard_learned_rules(lines, without, {learned})
    # 1 and 7: kept only once the rules dropped their neighbours, outside the article's span: dropped;
    # 3: kept without the rules, dropped by the classifier with them: kept; 4: inside the span: kept;
    # 0 and 6: dropped by the learned rules.
    assert [line.keep for line in lines] == [False, False, True, True, True, True, False, False]
    assert lines[6].reason == learned


def test_learned_rules_that_took_away_the_classifiers_wrong_article_keep_their_view():
    learned = "site.example.org.lines"
    lines = _lines("---KK", {1: learned})
    without = _lines("-K---")
    guard_learned_rules(lines, without, {learned})
    assert [line.keep for line in lines] == [False, False, False, True, True]
