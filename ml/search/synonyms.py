"""Query expansion with merchandiser-edited synonyms.

A synonym entry maps a term (one or more words) to alternatives: "tee" -> ["t-shirt", "t shirt"].
Entries apply both ways, so a shopper typing "t-shirt" also finds products a merchant titled
"tee". Expansion returns the original query first and each alternative phrasing after it;
the search matches any of them.
"""
from __future__ import annotations

from collections.abc import Iterable

from ml.search.text import normalise_query


def synonym_groups(entries: Iterable[tuple[str, list[str]]]) -> list[set[str]]:
    """Each (term, synonyms) entry as one set of interchangeable normalised phrases."""
    groups = []
    for term, alternatives in entries:
        group = {normalise_query(phrase) for phrase in [term, *alternatives]} - {""}
        if len(group) > 1:
            groups.append(group)
    return groups


def expand_query(query: str, groups: list[set[str]], *, limit: int = 8) -> list[str]:
    """The normalised query and its rewrites, each phrase of a matching group swapped in for the matched phrase."""
    base = normalise_query(query)
    expansions = [base] if base else []
    padded = f" {base} "
    for group in groups:
        for phrase in sorted(group, key=len, reverse=True):
            if f" {phrase} " not in padded:
                continue
            for alternative in sorted(group - {phrase}):
                rewritten = padded.replace(f" {phrase} ", f" {alternative} ").strip()
                if rewritten not in expansions:
                    expansions.append(rewritten)
            break
    return expansions[:limit]
