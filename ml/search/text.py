"""Query normalisation and tokens, shared by logging, synonyms, behaviour counts and the SQLite scorer.

A query is compared in one canonical form everywhere ("Custom  Mug!" and "custom mug" are the
same query in the analytics and the learnt boosts).
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset({"a", "an", "and", "the", "for", "of", "with", "to", "in", "on", "my", "your", "by"})


def normalise_query(text: str) -> str:
    """Lower case, typographic apostrophes made plain, punctuation dropped, single spaces."""
    return " ".join(_TOKEN.findall(text.lower().replace("\u2019", "'")))


def tokens(text: str) -> list[str]:
    """Content words of `text` in order (stopwords dropped)."""
    return [token for token in _TOKEN.findall(text.lower().replace("\u2019", "'")) if token not in STOPWORDS]


def stem(token: str) -> str:
    """A light English stem so "mugs"/"mug" and "personalized"/"personalised" meet (the SQLite scorer's
    stand-in for PostgreSQL's english dictionary)."""
    token = token.replace("iz", "is")
    for suffix in ("'s", "ies", "es", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token
