"""evaluate: the token-shingle P/R/F1 and metadata checks, the same numbers as shared/tools/score.py."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from cleaner.evaluate import (
    TOKEN,
    f1,
    fold,
    format_row,
    format_summary,
    key_of,
    load_predictions,
    precision,
    recall,
    score,
    score_document,
    shingles,
    tp_fp_fn,
)

# --- shingles and per-document P/R ----------------------------------------------------------


def test_shingles_are_4_token_multisets():
    assert shingles("a b c d e") == Counter({("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1})
    assert shingles("x y x y x y x") == Counter({("x", "y", "x", "y"): 2, ("y", "x", "y", "x"): 2})


def test_short_and_empty_texts():
    assert shingles("just two") == Counter({("just", "two"): 1})
    assert shingles("") == Counter()
    assert shingles(None) == Counter()
    assert shingles("— … !") == Counter()


def test_tokens_are_unicode_words_and_punctuation_is_ignored():
    assert shingles("Café, crème; brûlée: ok!") == shingles("Café crème brûlée ok") != Counter()
    assert shingles("Café crème brûlée ok") != shingles("café crème brûlée ok"), "tokens keep their case"
    assert TOKEN.findall("l'été 2025") == ["l", "été", "2025"]


def test_missing_tail_lowers_recall_only():
    # gold a..e has shingles abcd, bcde; prediction a..d has abcd: tp=1 fp=0 fn=1 -> normalised 1/2, 0, 1/2.
    counts = tp_fp_fn("a b c d e", "a b c d")
    assert counts == (0.5, 0.0, 0.5)
    assert precision(*counts) == 1.0
    assert recall(*counts) == 0.5
    assert f1(1.0, 0.5) == pytest.approx(2 / 3)


def test_extra_text_lowers_precision_only():
    # gold abcd; prediction a..f has abcd, bcde, cdef: tp=1 fp=2 fn=0 -> 1/3, 2/3, 0.
    counts = tp_fp_fn("a b c d", "a b c d e f")
    assert counts == pytest.approx((1 / 3, 2 / 3, 0.0))
    assert precision(*counts) == pytest.approx(1 / 3)
    assert recall(*counts) == 1.0


def test_identical_and_disjoint_and_empty():
    assert tp_fp_fn("one two three four", "one two, three four.") == (1.0, 0.0, 0.0)
    assert tp_fp_fn("a b c d", "w x y z") == (0.0, 0.5, 0.5)
    both_empty = tp_fp_fn("", "")
    assert both_empty == (0.0, 0.0, 0.0)
    assert precision(*both_empty) == recall(*both_empty) == 1.0
    assert precision(0.0, 0.0, 1.0) == 0.0
    assert recall(0.0, 1.0, 0.0) == 0.0
    assert f1(0.0, 0.0) == 0.0


# --- keys, folding, metadata ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("abc", "abc"),
        ("abc.txt", "abc"),
        ("dir/sub/abc.html.gz", "abc"),
        ("ABC.HTM", "ABC"),
        ("abc.xhtml", "abc"),
        ("abc.txt#3", "abc#3"),
        ("dir/feed.gz#12", "feed#12"),
        ("story.2025.txt", "story.2025"),
        ("abc.md", "abc.md"),
    ],
)
def test_key_of(name, key):
    assert key_of(name) == key


def test_fold_ignores_case_quotes_space_and_leading_by():
    assert fold("By  Matthew\u00a0Olay ") == "matthew olay"
    assert fold("‘Quoted’ “title”") == fold("'quoted' \"TITLE\"")
    assert fold(None) == fold("") == ""
    assert fold("Byron Smith") == "byron smith"


def test_metadata_checks_only_where_gold_states_them():
    gold = {
        "body": "a b c d",
        "title": "Title",
        "date_any_of": [None, "2025-03-06"],
        "byline": "Jane Doe",
        "images": [{"credit": "DoD photo by A"}, {"credit": "B"}, {"caption": "no credit"}],
        "pii_never_in_output": ["me@example.com", "555-0100"],
    }
    pred = {
        "text": "a b c d",
        "title": "TITLE",
        "date": None,
        "byline": "by jane doe",
        "images": [{"credit": "DoD photo by A"}, "junk"],
        "authors": ["me@example.com"],
    }
    row = score_document("k", gold, pred)
    assert (row["title"], row["date"], row["byline"], row["credits"], row["pii"]) == (True, True, True, 0.5, 1)
    assert row["acc"] == 1.0 and row["breaks"] == 0
    bare = score_document("k", {"articleBody": "a b c d"}, {"text": "a b c d"})
    assert not {"title", "date", "byline", "credits", "pii"} & set(bare)


def test_breaks_count_line_breaks_inside_sentences():
    row = score_document("k", {"body": ""}, {"text": "a sentence that\ncontinues, and\n(more) here.\nNew one.\n\nNext"})
    assert row["breaks"] == 2


def test_summary_averages_p_over_documents_with_output_and_r_over_documents_with_gold():
    gold = {"a.txt": {"body": "a b c d e"}, "b.txt": {"body": "w x y z"}, "c.txt": {"body": ""}}
    predictions = {"a": {"id": "a.txt", "text": "a b c d"}, "c": {"id": "c.txt", "text": "p q r s"}}
    rows, summary = score(gold, predictions)
    # a: P=1 R=1/2; b: no output, P excluded, R=0; c: no gold, P=0 and R excluded.
    assert [row["id"] for row in rows] == ["a.txt", "b.txt", "c.txt"]
    assert summary["P"] == pytest.approx(0.5)
    assert summary["R"] == pytest.approx(0.25)
    assert summary["F1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert (summary["docs"], summary["found"], summary["acc"]) == (3, 2, 0.0)
    assert "title" not in summary


def test_load_predictions_keys_and_bad_json(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "x/a.html.gz", "text": "t"}\n\n{"id": "b.txt#2"}\n', encoding="utf-8")
    assert set(load_predictions(path)) == {"a", "b#2"}
    path.write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"p\.jsonl:2: not JSON"):
        load_predictions(path)


def test_formatting():
    assert format_summary({"docs": 2, "F1": 0.5, "pii": 0}) == "docs=2 F1=0.500 pii=0"
    row = {"id": "abc", "P": 1.0, "R": 0.5, "title": True, "breaks": 0}
    assert format_row(row) == f"{'abc':40} F1=0.667 P=1.000 R=0.500 title=True breaks=0"


# --- the reference scorer's numbers on the seeds --------------------------------------------


def seed_predictions(gold: dict[str, dict]) -> list[dict]:
    """Predictions for the seeds with known faults, one kind per document."""
    g = {key[:3]: value for key, value in gold.items()}
    ids = {key[:3]: key for key in gold}

    def paras(body: str) -> list[str]:
        return body.split("\n\n")

    body4 = g["004"]["body"]
    first, second = paras(body4)[:2]
    wrapped = body4.replace(first, first.replace(" to support ", " to\nsupport ", 1))
    wrapped = wrapped.replace(second, second.replace(" and his ", " and\nhis ", 1))
    return [
        # 000: perfect, with case and "By" differences that folding ignores; the id has a folder.
        {
            "id": "seeds/" + ids["000"],
            "text": g["000"]["body"],
            "title": g["000"]["title"].upper(),
            "date": "2025-03-07",
            "byline": "By  Matthew Olay",
            "images": [{"credit": g["000"]["images"][0]["credit"]}],
        },
        # 001: first paragraph missing, wrong title, one of the two distinct credits.
        {
            "id": ids["001"] + ".gz",
            "text": "\n\n".join(paras(g["001"]["body"])[1:]),
            "title": "Home",
            "date": "2025-03-06",
            "byline": None,
            "images": [{"credit": "Navy Petty Officer 1st Class Alexander Kubitza, DOD"}, "not a dict"],
        },
        # 002: boilerplate and the recipient address left in, wrong date and byline.
        {
            "id": ids["002"],
            "text": g["002"]["body"]
            + "\n\nUnsubscribe | Contact Us\n\nThis email was sent to "
            + g["002"]["pii_never_in_output"][0]
            + " using GovDelivery",
            "title": g["002"]["title"],
            "date": "2025-03-07",
            "byline": "Matthew Olay, DOD News",
            "images": [],
        },
        # 003: no record at all.
        # 004: the right words, two paragraphs left hard-wrapped mid-sentence.
        {"id": ids["004"], "text": wrapped, "title": None, "date": None, "byline": None, "images": None},
    ]


@pytest.fixture
def seed_scores(seeds_gold, tmp_path):
    path = tmp_path / "predictions.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in seed_predictions(seeds_gold)))
    return score(seeds_gold, load_predictions(path))


def test_seed_summary_equals_the_reference_scorer(seed_scores):
    # Printed by `python shared/tools/score.py seeds/gold.json predictions.jsonl --json` on these
    # predictions (built by seed_predictions above) when this test was written.
    reference = {
        "docs": 5,
        "found": 4,
        "F1": 0.8765463753550069,
        "P": 0.992827868852459,
        "R": 0.7846473029045643,
        "acc": 0.4,
        "breaks": 2,
        "title": 0.8,
        "byline": 0.8,
        "date": 0.8,
        "credits": 0.8333333333333333,
        "pii": 1,
    }
    _rows, summary = seed_scores
    assert list(summary) == list(reference)
    assert summary == pytest.approx(reference, abs=1e-12)


def test_seed_rows_equal_the_reference_scorer(seed_scores):
    rows, _summary = seed_scores
    reference = {  # (P, R, title, date, byline, credits, pii, breaks) per document, from score.py --per-doc
        "000": (1.0, 1.0, True, True, True, 1.0, None, 0),
        "001": (1.0, 0.9232365145228216, False, True, True, 2 / 3, None, 0),
        "002": (0.9713114754098361, 1.0, True, False, False, None, 1, 0),
        "003": (0.0, 0.0, True, True, True, None, None, 0),
        "004": (1.0, 1.0, True, True, True, None, None, 2),
    }
    for row in rows:
        got = tuple(row.get(k) for k in ("P", "R", "title", "date", "byline", "credits", "pii", "breaks"))
        assert got == pytest.approx(reference[row["id"][:3]], abs=1e-12), row["id"]
    assert [row["found"] for row in rows] == [True, True, True, False, True]


def test_seed_recall_and_precision_by_hand(seeds_gold, seed_scores):
    """The same numbers derived from token counts: a missing first paragraph of n tokens out of N
    loses n of the N-3 gold shingles; appended text of m tokens adds m shingles of its own plus 3 at the seam."""
    rows, _summary = seed_scores
    by_doc = {row["id"][:3]: row for row in rows}
    gold1 = next(v for k, v in seeds_gold.items() if k.startswith("001"))["body"]
    big_n, n = len(TOKEN.findall(gold1)), len(TOKEN.findall(gold1.split("\n\n")[0]))
    assert by_doc["001"]["R"] == pytest.approx((big_n - 3 - n) / (big_n - 3))
    gold2 = next(v for k, v in seeds_gold.items() if k.startswith("002"))
    extra = "Unsubscribe | Contact Us This email was sent to " + gold2["pii_never_in_output"][0] + " using GovDelivery"
    big_n, m = len(TOKEN.findall(gold2["body"])), len(TOKEN.findall(extra))
    assert by_doc["002"]["P"] == pytest.approx((big_n - 3) / (big_n - 3 + m))
