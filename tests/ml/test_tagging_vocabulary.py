"""Vocabulary matching: word boundaries, synonyms, title over description, longest material wins."""
from ml.tagging.vocabulary import CONFIDENCE_DESCRIPTION, CONFIDENCE_TITLE, SYNONYM_DISCOUNT, match_vocabulary


def _values(suggestions, family):
    return {s.value: s.confidence for s in suggestions if s.family == family}


def test_title_words_beat_description_words_and_synonyms_are_discounted():
    found = match_vocabulary(title="Personalised Xmas Mug", description="A ceramic mug for a birthday, in navy.")
    occasions = _values(found, "occasions")
    assert occasions["christmas"] == round(CONFIDENCE_TITLE - SYNONYM_DISCOUNT, 3)
    assert occasions["birthday"] == CONFIDENCE_DESCRIPTION
    assert _values(found, "attributes")["personalised"] == CONFIDENCE_TITLE
    assert set(_values(found, "materials")) == {"ceramic"}
    assert set(_values(found, "colours")) == {"navy"}


def test_words_inside_other_words_do_not_match():
    found = match_vocabulary(title="Soaked Hundred Oaktree Print", description="")
    assert "oak" not in _values(found, "materials")
    assert "red" not in _values(found, "colours")


def test_a_longer_material_hides_the_shorter_one_it_contains():
    found = match_vocabulary(title="Baby Vest", description="Made from organic cotton.")
    assert set(_values(found, "materials")) == {"organic cotton"}
    assert "eco-friendly" in _values(found, "attributes")


def test_typographic_apostrophes_match():
    found = match_vocabulary(title="Valentine’s Day Card")
    assert "valentine's day" in _values(found, "occasions")
