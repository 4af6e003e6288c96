"""What a merchandiser could do about a query that finds nothing or that shoppers do not click.

In order of preference:
1. a query word close in spelling to a catalog word ("mugg" -> "mug"): add it as a synonym;
2. a word that keeps appearing in the titles of what shoppers opened after the query but is
   not in the query ("tee" shoppers open "T-Shirt" listings): add it as a synonym;
3. otherwise nothing in the catalog answers the query: consider listing such a product.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ml.search.text import stem, tokens

SPELLING_MIN_RATIO = 80
MIN_SHARE_OF_ENGAGED_TITLES = 0.5


@dataclass(frozen=True)
class Advice:
    kind: str  # "synonym" or "missing_product"
    message: str
    term: str = ""
    synonym: str = ""


def advise(query: str, *, vocabulary: set[str], engaged_titles: Iterable[str] = ()) -> Advice:
    words = tokens(query)
    stems = {stem(word) for word in words}
    for word in words:
        if stem(word) in vocabulary or word in vocabulary or len(word) < 4:
            continue
        match = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=SPELLING_MIN_RATIO)
        if match:
            return Advice("synonym", f"Shoppers type “{word}”: add “{match[0]}” as its synonym.", word, match[0])
    titles = list(engaged_titles)
    if titles:
        counts = Counter(word for title in titles for word in {stem(t) for t in tokens(title) if len(t) >= 3} - stems)
        if counts:
            word, seen = max(counts.items(), key=lambda item: (item[1], len(item[0]), item[0]))
            if seen / len(titles) >= MIN_SHARE_OF_ENGAGED_TITLES:
                term = " ".join(words)
                return Advice(
                    "synonym", f"Shoppers who search “{term}” open “{word}” listings: add “{word}” as a synonym.", term, word
                )
    term = " ".join(words) or query
    return Advice("missing_product", f"No product answers “{term}”: consider listing one, or a synonym for it.", term)
