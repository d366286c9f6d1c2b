"""sites: the registered domain of a URL and which rule files apply to a document."""

from __future__ import annotations

import pytest

from cleaner.rules import normalize_lines
from cleaner.sites import host_of, registered_domain, select_rule_files

RULE = '[[rule]]\nid = "{id}.r"\nkind = "line"\nlines = ["x"]\n'


@pytest.fixture
def scoped(make_rule_file):
    """A rule file with the given id and [scope] body."""

    def build(file_id: str, scope: str):
        header = f'schema_version = 1\nid = "{file_id}"\n\n[scope]\n{scope}\n\n'
        return make_rule_file(RULE.format(id=file_id), header=header)

    return build


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.defense.gov/News/Releases/", "defense.gov"),
        ("http://news.bbc.co.uk/a/b", "bbc.co.uk"),
        ("https://WWW.Example.COM:8080/p?q=1", "example.com"),
        ("https://a.b.c.example.org/", "example.org"),
        ("https://someblog.blogspot.com/2025/03/post.html", "someblog.blogspot.com"),
        ("https://192.168.0.1/page", "192.168.0.1"),
        ("https://localhost/x", "localhost"),
        ("not a url", None),
        ("", None),
        (None, None),
        ("https://[::1/broken", None),
    ],
)
def test_registered_domain(url, expected):
    assert registered_domain(url) == expected


def test_host_of_strips_www_and_lowercases():
    assert host_of("https://WWW.News.Example.com/x") == "news.example.com"


def test_domain_scope_applies_to_the_site_and_its_subdomains(scoped, make_doc):
    rule_file = scoped("dod", 'domains = ["defense.gov"]')
    for url, applies in [
        ("https://www.defense.gov/a", True),
        ("https://news.defense.gov/a", True),
        ("https://notdefense.gov/a", False),
        ("https://defense.gov.example.com/a", False),
        (None, False),
    ]:
        doc = make_doc("Some line", url=url)
        assert (select_rule_files(doc, [rule_file], ["Some line"]) == [rule_file]) is applies, url


def test_select_sets_the_site_from_the_url(scoped, make_doc):
    doc = make_doc("Some line", url="https://www.defense.gov/News/")
    select_rule_files(doc, [scoped("all", "everywhere = true")], [])
    assert doc.site == "defense.gov"


def test_everywhere_applies_to_every_document(scoped, make_doc):
    rule_file = scoped("all", "everywhere = true")
    for url in ("https://a.example.com/", None):
        assert select_rule_files(make_doc("x", url=url), [rule_file], ["x"]) == [rule_file]


FAMILY_SCOPE = """fingerprints = ["Newer Post", "Older Post", "Subscribe to: Post Comments (Atom)", "Posted by * at *"]
min_fingerprints = 2"""


def test_fingerprint_scope_needs_min_fingerprints_distinct_hits(scoped, make_doc):
    rule_file = scoped("blogger", FAMILY_SCOPE)
    one_hit = ["Body text.", "Newer Post", "Newer Post"]  # the same fingerprint twice is one hit
    two_hits = ["Body text.", "  newer   POST ", "Posted by Jane at 10:42"]
    doc = make_doc("\n".join(one_hit))
    assert select_rule_files(doc, [rule_file], one_hit) == []
    assert doc.families == []
    doc = make_doc("\n".join(two_hits))
    assert select_rule_files(doc, [rule_file], two_hits) == [rule_file]
    assert doc.families == ["blogger"]
    assert doc.site is None


def test_fingerprint_of_a_site_gives_text_without_url_its_site(scoped, make_doc):
    rule_file = scoped("militaryspot", 'domains = ["militaryspot.com"]\nfingerprints = ["MilitarySpot Home"]')
    lines = ["MilitarySpot Home", "Body text."]
    doc = make_doc("\n".join(lines))
    assert select_rule_files(doc, [rule_file], lines) == [rule_file]
    assert doc.site == "militaryspot.com"
    assert doc.families == []


def test_url_site_is_not_overridden_by_another_sites_fingerprints(scoped, make_doc):
    rule_file = scoped("militaryspot", 'domains = ["militaryspot.com"]\nfingerprints = ["MilitarySpot Home"]')
    lines = ["MilitarySpot Home", "Body text."]
    doc = make_doc("\n".join(lines), url="https://www.example.org/a")
    assert select_rule_files(doc, [rule_file], lines) == [rule_file]
    assert doc.site == "example.org"


def test_only_matching_files_are_chosen_in_their_order(scoped, make_doc):
    files = [
        scoped("all", "everywhere = true"),
        scoped("other", 'domains = ["other.com"]'),
        scoped("blogger", FAMILY_SCOPE),
    ]
    lines = ["Newer Post", "Older Post", "Body."]
    chosen = select_rule_files(make_doc("\n".join(lines)), files, lines)
    assert [rule_file.id for rule_file in chosen] == ["all", "blogger"]


def test_fingerprint_patterns_of_several_files_count_for_their_own_file(scoped, make_doc):
    """The patterns of all files run as one set over the page; each hit still counts for its file only."""
    blogger = scoped("blogger", FAMILY_SCOPE)
    other = scoped("other", 'fingerprints = ["Posted by * on *", "Filed under *"]\nmin_fingerprints = 2')
    lines = ["Posted by Jane at 10:42", "Newer Post", "Filed under news", "Body."]
    doc = make_doc("\n".join(lines))
    assert [rule_file.id for rule_file in select_rule_files(doc, [other, blogger], lines)] == ["blogger"]
    lines.append("Posted by Jane on Monday")
    doc = make_doc("\n".join(lines))
    assert [rule_file.id for rule_file in select_rule_files(doc, [other, blogger], lines)] == ["other", "blogger"]


def test_normalised_lines_given_by_the_caller_are_used_as_they_are(scoped, make_doc):
    rule_file = scoped("blogger", FAMILY_SCOPE)
    lines = ["Body text.", "Body two."]
    doc = make_doc("\n".join(lines))
    assert select_rule_files(doc, [rule_file], lines, ["newer post", "older post"]) == [rule_file]


def test_fingerprint_patterns_match_case_insensitively_and_only_whole_lines(scoped, make_doc):
    """A pattern is looked for only on pages holding its literal (its longest ASCII run, casefolded)."""
    rule_file = scoped("govdelivery", 'fingerprints = ["Powered by GovDelivery*", "Straße *"]')
    for lines, chosen in [
        (["Body.", "POWERED BY GOVDELIVERY, Inc."], True),
        (["Body.", "Powered by Gov Delivery"], False),
        (["Body.", "Site powered by GovDelivery"], False),  # the literal is there, the whole line does not match
        (["Body.", "STRASSE 5"], True),  # ß casefolds to ss: the literal is "strasse "
        (["Body.", "\u017ftrasse 5"], True),  # the long s is an s, to RE2 and to casefold
    ]:
        assert select_rule_files(make_doc("\n".join(lines)), [rule_file], lines) == ([rule_file] * chosen), lines


def test_fingerprint_patterns_see_lines_that_nfkc_changes(scoped, make_doc):
    """The literal is looked for in NormalizedLines.haystack: it must hold a line whose NFKC differs, both when the
    page's characters have plain forms ("…", fullwidth letters) and when one has none ("¨" becomes a space and a
    combining mark: NFKC goes line by line)."""
    rule_file = scoped("govdelivery", 'fingerprints = ["Powered by GovDelivery*"]')
    for other in ["Body…", "Body \u00a8"]:
        lines = [other, "\uff30owered by \uff27ov\uff24elivery, Inc."]
        doc = make_doc("\n".join(lines))
        normalized = normalize_lines(lines, as_split=True)
        assert normalized[1] == "powered by govdelivery, inc."
        assert select_rule_files(doc, [rule_file], lines, normalized) == [rule_file], other
        assert select_rule_files(doc, [rule_file], lines, list(normalized)) == [rule_file], other
