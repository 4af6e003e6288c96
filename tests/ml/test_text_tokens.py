from ml.text.tokens import clauses, content_lemmas, lemma, sentences


def test_sentences_keep_offsets_into_the_original_text():
    text = "Great mug! The print faded.\nWould not buy again. Only 2 stars."
    spans = sentences(text)
    assert [s.text for s in spans] == ["Great mug!", "The print faded.", "Would not buy again.", "Only 2 stars."]
    for span in spans:
        assert text[span.start : span.start + len(span.text)] == span.text


def test_abbreviation_like_dots_inside_a_sentence_do_not_split_it():
    assert len(sentences("Arrived in 3.5 days, well packed.")) == 1


def test_clauses_split_on_contrast_words_and_drop_them():
    assert clauses("Great mug but slow delivery.") == ["Great mug", "slow delivery."]
    assert clauses("I love it, although it was pricey.") == ["I love it", "it was pricey."]
    assert clauses("However, the box was damaged.") == ["the box was damaged."]
    assert clauses("Butterfly print is lovely.") == ["Butterfly print is lovely."]


def test_lemmas_strip_plurals_and_keep_negations():
    assert lemma("deliveries") == "delivery"
    assert lemma("boxes") == "box"
    assert lemma("glass") == "glass"
    assert content_lemmas("The boxes were not sturdy") == ["box", "not", "sturdy"]
