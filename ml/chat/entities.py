"""Entities in a shopper's message: order numbers, emails, product types, catalog products
(fuzzy, rapidfuzz), colours and sizes.

The catalog vocabulary is passed in (`CatalogVocabulary`), so this module stays free of the
database; the app builds it per merchant from its active products.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix

# "ORD-123", "ord 123", "ORD - 123", "ord#123", "Ord123": the orders app stores ORD-<digits>.
ORDER_NUMBER = re.compile(r"\bord\s*[-#:]?\s*(\d{1,12})\b", re.IGNORECASE)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")

PRODUCT_TYPES: dict[str, tuple[str, ...]] = {
    "mug": ("mug", "mugs", "cup", "cups", "travel mug"),
    "shirt": ("shirt", "shirts", "t-shirt", "t-shirts", "tshirt", "tshirts", "tee", "tees", "hoodie", "hoodies"),
    "phone case": ("phone case", "phone cases", "case", "cases", "iphone case", "phone cover"),
    "jewellery": ("jewellery", "jewelry", "necklace", "necklaces", "bracelet", "bracelets", "ring", "rings",
                  "earring", "earrings", "pendant", "keyring", "keyrings"),
    "print": ("print", "prints", "poster", "posters", "canvas", "wall art", "star map"),
    "notebook": ("notebook", "notebooks", "journal"),
}
COLOURS = ("black", "white", "red", "blue", "green", "yellow", "pink", "purple", "orange", "grey", "gray", "navy",
           "gold", "silver", "rose gold", "brown", "beige", "cream", "teal")
SIZES = {"xxs": "XXS", "xs": "XS", "s": "S", "small": "S", "m": "M", "medium": "M", "l": "L", "large": "L",
         "xl": "XL", "xxl": "XXL", "a4": "A4", "a3": "A3", "a2": "A2", "11oz": "11oz", "15oz": "15oz"}
# Single letters are sizes only next to the word "size" ("size m"), never on their own ("I'm").
_SIZE_WORD = re.compile(r"\b(xxs|xs|xxl|xl|small|medium|large|a[2-4]|1[15]\s?oz)\b", re.IGNORECASE)
_SIZE_LETTER = re.compile(r"\bsize\s+(s|m|l)\b", re.IGNORECASE)

TOKEN_MATCH_CUTOFF = 85.0
"""rapidfuzz ratio (0-100) at which a message word counts as a title word ("personalized" ~ "personalised")."""
TITLE_COVERAGE = 0.6
"""Share of a title's distinctive words the message must contain for the product to count as mentioned."""
_STOPWORDS = frozenset({"the", "a", "an", "of", "and", "for", "with", "in", "on", "my", "your", "to", "is", "it"})
_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS and len(t) > 1]


class CatalogVocabulary:
    """Product titles of one storefront, keyed by product id, tokenised once for fuzzy matching:
    a products x words incidence matrix lets one matrix product score every title at once."""

    def __init__(self, titles: dict[int, str] | None = None):
        self.titles = dict(titles or {})
        self.product_ids = list(self.titles)
        tokens = [list(dict.fromkeys(_tokens(self.titles[pid]))) for pid in self.product_ids]
        self.vocabulary = sorted({t for words in tokens for t in words})
        index = {token: i for i, token in enumerate(self.vocabulary)}
        rows = [r for r, words in enumerate(tokens) for _ in words]
        cols = [index[t] for words in tokens for t in words]
        self.incidence = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(tokens), len(self.vocabulary)))
        self.title_lengths = np.array([len(words) for words in tokens], dtype=np.float64)


@dataclass(frozen=True)
class ProductMention:
    product_id: int
    title: str
    score: float


@dataclass(frozen=True)
class Entities:
    order_numbers: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    product_types: list[str] = field(default_factory=list)
    products: list[ProductMention] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Only what was found, JSON-ready (stored on the message)."""
        return {key: value for key, value in asdict(self).items() if value}


def order_numbers_in(text: str) -> list[str]:
    return list(dict.fromkeys(f"ORD-{digits}" for digits in ORDER_NUMBER.findall(text)))


_WORD_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}


def _words_present(text: str, words: tuple[str, ...]) -> list[str]:
    """Which of `words` occur as whole words (one compiled alternation per word list)."""
    pattern = _WORD_PATTERNS.get(words)
    if pattern is None:
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        pattern = _WORD_PATTERNS[words] = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
    found = set(pattern.findall(text))
    return [w for w in words if w in found]


def extract_entities(text: str, catalog: CatalogVocabulary | None = None, *, limit: int = 3) -> Entities:
    lowered = text.lower()
    types = [kind for kind, words in PRODUCT_TYPES.items() if _words_present(lowered, words)]
    sizes = [SIZES[m.lower().replace(" ", "")] for m in _SIZE_WORD.findall(lowered)]
    sizes += [m.upper() for m in _SIZE_LETTER.findall(lowered)]
    return Entities(
        order_numbers=order_numbers_in(text),
        emails=list(dict.fromkeys(EMAIL.findall(text))),
        product_types=types,
        products=products_mentioned(text, catalog, limit=limit) if catalog and catalog.titles else [],
        colours=list(dict.fromkeys("grey" if c == "gray" else c for c in _words_present(lowered, COLOURS))),
        sizes=list(dict.fromkeys(sizes)),
    )


def products_mentioned(text: str, catalog: CatalogVocabulary, *, limit: int = 3) -> list[ProductMention]:
    """Products most of whose title words occur, fuzzily, in the message.

    "the star map poster" finds "Custom Star Map Poster" (3 of 4 words), "personalized name mug"
    finds "Personalised Name Mug"; "price of the mug" shares one generic word with many titles
    and finds none. One matrix of word similarities (rapidfuzz cdist) serves every title.
    """
    words = _tokens(ORDER_NUMBER.sub(" ", text))
    if not words or not catalog.vocabulary:
        return []
    similarity = process.cdist(words, catalog.vocabulary, scorer=fuzz.ratio, dtype=np.uint8)
    present = (similarity.max(axis=0) >= TOKEN_MATCH_CUTOFF).astype(np.float64)
    hits = catalog.incidence @ present
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(catalog.title_lengths > 0, hits / catalog.title_lengths, 0.0)
    mentioned = (coverage >= TITLE_COVERAGE) & ((hits >= 2) | (catalog.title_lengths == 1))
    found = [
        ProductMention(product_id=catalog.product_ids[row], title=catalog.titles[catalog.product_ids[row]],
                       score=round(100 * float(coverage[row]), 1))
        for row in np.flatnonzero(mentioned)
    ]
    found.sort(key=lambda m: (-m.score, -len(m.title)))
    return found[:limit]
