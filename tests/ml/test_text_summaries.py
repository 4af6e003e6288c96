from ml.text.summaries import Opinion, summarize


def test_pros_and_cons_count_reviews_and_pick_the_typical_sentence():
    opinions = [
        Opinion(1, "delivery", "negative", -0.5, "Delivery was really slow."),
        Opinion(2, "delivery", "negative", -0.4, "Really slow delivery."),
        Opinion(3, "delivery", "negative", -0.9, "The courier threw it over the fence!!!"),
        Opinion(3, "delivery", "negative", -0.3, "Slow delivery, really slow."),
        Opinion(4, "quality", "positive", 0.8, "Lovely sturdy mug."),
        Opinion(5, "quality", "positive", 0.7, "Sturdy and lovely."),
        Opinion(6, "price", "positive", 0.5, "Good value."),
        Opinion(7, "price", "neutral", 0.0, "Costs ten pounds."),
    ]
    summary = summarize(opinions)
    assert [(c.aspect, c.reviews) for c in summary.cons] == [("delivery", 3)]  # review 3 counted once
    assert "slow" in summary.cons[0].sentence.lower()  # not the outlier
    assert [(p.aspect, p.reviews) for p in summary.pros] == [("quality", 2), ("price", 1)]
    assert summary.as_dict()["pros"][0]["sentence"] in {"Lovely sturdy mug.", "Sturdy and lovely."}


def test_summary_of_nothing_is_empty():
    assert summarize([]).as_dict() == {"pros": [], "cons": []}
