"""Search ranking parts that need no database: query text, synonyms, text scoring, behaviour boosts, metrics."""
