"""Query text, synonym expansion and the SQLite fallback's scorer (typos, title over description)."""
from ml.search.scoring import Document, text_scores
from ml.search.synonyms import expand_query, synonym_groups
from ml.search.text import normalise_query, stem, tokens


def test_queries_normalise_to_one_form():
    assert normalise_query("  Custom   MUG!! ") == "custom mug"
    assert normalise_query("Valentine’s gift") == "valentine's gift"
    assert tokens("a mug for the dad") == ["mug", "dad"]
    assert stem("mugs") == stem("mug") and stem("personalized") == stem("personalised")


def test_synonyms_expand_both_ways_and_ignore_partial_words():
    groups = synonym_groups([("tee", ["T-Shirt", "t shirt"]), ("lonely", [])])
    assert len(groups) == 1
    assert expand_query("black tee", groups) == ["black tee", "black t shirt"]
    assert "cheap t shirt" in expand_query("cheap t shirt", groups)
    assert expand_query("cheap t shirt", groups)[1:] == ["cheap tee"]
    assert expand_query("teeth", groups) == ["teeth"]


DOCS = [
    Document(1, "Personalised Name Mug", "A ceramic mug."),
    Document(2, "Slogan Tee", "A cotton shirt; pairs with any mug."),
    Document(3, "Star Map Print", "Archival paper."),
]


def test_title_matches_outrank_description_matches():
    scores = text_scores(["mug"], DOCS)
    assert set(scores) == {1, 2} and scores[1] > scores[2]


def test_typos_still_match_at_a_discount():
    scores = text_scores(["persnalised mugg"], DOCS)
    assert 1 in scores and 3 not in scores
    assert scores[1] < text_scores(["personalised mug"], DOCS)[1]


def test_any_phrasing_may_match():
    assert set(text_scores(["hoodie", "slogan"], DOCS)) == {2}
