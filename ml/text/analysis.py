"""One review's analysis: overall sentiment, per-sentence sentiment, aspects with the sentiment of their clause."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ml.text.aspects import AspectLexicon, AspectMention, mentions_in
from ml.text.sentiment import SentimentScorer
from ml.text.tokens import clauses, sentences


@dataclass(frozen=True)
class SentenceSentiment:
    text: str
    start: int
    sentiment: str
    score: float


@dataclass(frozen=True)
class TextAnalysis:
    sentiment: str
    score: float
    sentences: list[SentenceSentiment]
    aspects: list[AspectMention]

    def as_dict(self) -> dict:
        return {
            "sentiment": self.sentiment,
            "score": self.score,
            "sentences": [asdict(s) for s in self.sentences],
            "aspects": [asdict(m) for m in self.aspects],
        }


def analyze_texts(texts: Sequence[str], *, scorer: SentimentScorer, lexicon: AspectLexicon) -> list[TextAnalysis]:
    """Analyse many texts with one scoring call for all their pieces (whole texts, sentences, clauses).

    The overall sentiment scores the whole text, as the classifier was trained on whole reviews;
    aspects take the sentiment of their clause, so "great mug but slow delivery" gives a
    positive product and a negative delivery.
    """
    split = [[(span, clauses(span.text)) for span in sentences(text)] for text in texts]
    pieces: list[str] = list(texts)
    for parts in split:
        for span, cut in parts:
            pieces.append(span.text)
            pieces.extend(cut)
    scores = iter(scorer.score_many(pieces))
    overall = [next(scores) for _ in texts]
    results = []
    for whole, parts in zip(overall, split, strict=True):
        sentence_rows, clause_rows = [], []
        for span, cut in parts:
            sentence = next(scores)
            sentence_rows.append(SentenceSentiment(span.text, span.start, sentence.label, sentence.score))
            for clause in cut:
                verdict = next(scores)
                clause_rows.append((clause, verdict.label, verdict.score))
        results.append(TextAnalysis(whole.label, whole.score, sentence_rows, mentions_in(clause_rows, lexicon)))
    return results
