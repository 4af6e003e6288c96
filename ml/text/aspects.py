"""Aspect-based sentiment: which aspects a review talks about, the sentiment of the clause about each, and the evidence.

Seed aspects are the ones merchants of customisable goods ask about; each is a set of lemmas
(single words or two-word phrases). Further aspects are learnt from a catalog's reviews: the
most frequent content lemmas and two-lemma phrases that are not opinion words, generic verbs or
already a seed term (a POS-free stand-in for noun phrases; docs/reviews.md says why).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ml.text.tokens import NEGATIONS, content_bigrams, content_lemmas

SEED_ASPECTS: dict[str, frozenset[str]] = {
    "price": frozenset({"price", "priced", "value", "cost", "expensive", "cheap", "overpriced", "pricey", "money",
                        "penny", "worth", "afford", "affordable", "bargain"}),
    "quality": frozenset({"quality", "sturdy", "flimsy", "finish", "finished", "material", "durable", "build",
                          "faded", "fade", "cracked", "broke", "broken", "well made", "poorly finished"}),
    "delivery": frozenset({"delivery", "deliver", "delivered", "arrive", "arrived", "shipping", "ship", "shipped",
                           "postage", "tracking", "courier", "dispatch", "dispatched", "late", "postal"}),
    "customisation and print": frozenset({"customisation", "customization", "personalisation", "personalization",
                                          "personalised", "personalized", "print", "printed", "printing",
                                          "engraving", "engraved", "font", "lettered", "lettering", "spelled",
                                          "spelling", "misspelled", "name", "monogram", "design"}),
    "size and fit": frozenset({"size", "sized", "fit", "fits", "fitting", "small", "smaller", "large", "larger",
                               "tight", "loose", "runs small", "runs large", "true size"}),
    "packaging": frozenset({"packaging", "package", "packaged", "box", "boxed", "wrapped", "wrapping", "envelope",
                            "packed", "gift wrap"}),
    "customer service": frozenset({"service", "seller", "communication", "support", "reply", "replied", "responded",
                                   "response", "proof", "helpful", "message", "contacted", "shop"}),
}

# Generic verbs, intensifiers and review boilerplate: frequent, but never an aspect (nor a topic term).
GENERIC_WORDS = frozenset({
    "love", "loved", "like", "buy", "bought", "order", "ordered", "ordering", "come", "came", "look", "looked", "use",
    "used", "get", "got", "make", "made", "recommend", "really", "star", "just", "did", "does", "want", "wanted",
    "thing", "lot", "bit", "day", "time", "week", "overall", "definitely", "absolutely", "expected", "described",
    "happy", "pleased", "gift", "again", "ever", "way", "item", "product", "purchase", "review", "feel", "feels",
    "turned", "exactly", "asked", "sent", "waiting", "went", "think", "say", "said", "know", "need", "good", "great",
    "even", "better", "best", "still", "only", "downside", "photo", "photos", "far", "too", "feeling", "mixed",
    "average", "okay", "ok", "fine",
} | NEGATIONS)


@dataclass(frozen=True)
class AspectLexicon:
    """Aspect name -> lemmas (one word or two) that signal it; `learnt` names those learnt from reviews."""

    terms: dict[str, frozenset[str]]
    learnt: frozenset[str] = field(default_factory=frozenset)

    def aspects_in(self, text: str) -> list[str]:
        """Aspects mentioned in `text`, in lexicon order."""
        grams = set(content_lemmas(text)) | set(content_bigrams(text))
        return [aspect for aspect, terms in self.terms.items() if grams & terms]

    def as_dict(self) -> dict:
        return {"terms": {aspect: sorted(terms) for aspect, terms in self.terms.items()}, "learnt": sorted(self.learnt)}


SEED_LEXICON = AspectLexicon(terms=dict(SEED_ASPECTS))


def learn_aspects(
    texts: Iterable[str],
    *,
    opinion_words: frozenset[str] = frozenset(),
    base: AspectLexicon = SEED_LEXICON,
    top_n: int = 8,
    min_share: float = 0.02,
    min_reviews: int = 5,
) -> AspectLexicon:
    """`base` plus up to `top_n` aspects learnt from frequent terms of `texts`.

    A term counts once per review; it must appear in at least `min_share` of the reviews (and
    `min_reviews` of them). A two-word phrase replaces its words when it covers most of their
    uses ("phone case" rather than "phone" and "case").
    """
    known = set().union(*base.terms.values())
    excluded = known | GENERIC_WORDS | opinion_words
    counts: Counter[str] = Counter()
    reviews = 0
    for text in texts:
        reviews += 1
        lemmas = [lemma for lemma in content_lemmas(text) if len(lemma) > 2 and lemma.isalpha()]
        grams = {lemma for lemma in lemmas if lemma not in excluded}
        grams |= {phrase for phrase in content_bigrams(text)
                  if len(set(phrase.split()) & excluded) == 0 and phrase.replace(" ", "").isalpha()}
        counts.update(grams)
    needed = max(min_reviews, min_share * reviews)
    frequent = {term: count for term, count in counts.items() if count >= needed}
    for phrase, count in [(t, c) for t, c in frequent.items() if " " in t]:
        for word in phrase.split():
            if word in frequent and count >= 0.6 * frequent[word]:
                del frequent[word]
    chosen = [term for term, _ in sorted(frequent.items(), key=lambda item: (-item[1], item[0]))[:top_n]]
    terms = dict(base.terms) | {term: frozenset({term}) for term in chosen if term not in base.terms}
    return AspectLexicon(terms=terms, learnt=frozenset(chosen) | base.learnt)


@dataclass(frozen=True)
class AspectMention:
    aspect: str
    sentiment: str
    score: float
    evidence: str


def mentions_in(clauses: Sequence[tuple[str, str, float]], lexicon: AspectLexicon) -> list[AspectMention]:
    """One mention per (aspect, clause) from (clause text, label, score) triples, in text order."""
    found: list[AspectMention] = []
    for text, label, score in clauses:
        found.extend(AspectMention(aspect, label, score, text) for aspect in lexicon.aspects_in(text))
    return found
