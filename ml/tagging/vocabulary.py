"""Fixed vocabularies for the tag families a list describes well, and matching them in text.

Colours, materials and occasions are closed sets: a product either names "sage green" or does
not, and a classifier would only learn to spot the words. Each value has the phrases that
signal it (its name first, then synonyms such as "xmas" for Christmas). A phrase found in
the title is stronger evidence than one found in the description, and the value's own name
stronger than a synonym; the confidences below encode that order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

FAMILIES = ("category", "attributes", "occasions", "materials", "colours")
VOCABULARY_FAMILIES = ("attributes", "occasions", "materials", "colours")

CONFIDENCE_TITLE = 0.95
CONFIDENCE_DESCRIPTION = 0.85
SYNONYM_DISCOUNT = 0.1

# value -> phrases (lower case) that signal it; the value itself is always a phrase.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "customisable": ("custom", "customised", "customized", "customizable", "bespoke", "made to order"),
    "personalised": ("personalized", "your name", "add a name", "name", "initial", "initials", "monogram",
                     "engraved", "embroidered", "upload your", "your text", "your photo"),
    "handmade": ("hand made", "hand-made", "handcrafted", "hand-lettered", "by hand", "hand poured", "hand-poured"),
    "eco-friendly": ("eco friendly", "eco", "organic", "recycled", "bamboo", "sustainable", "soy wax", "jute",
                     "plastic free", "plastic-free"),
    "vegan": ("vegan", "cruelty free", "cruelty-free"),
    "gift-wrapped": ("gift wrapped", "gift wrap", "gift-wrap", "gift box"),
}
OCCASIONS: dict[str, tuple[str, ...]] = {
    "birthday": ("bday", "birthdays"),
    "anniversary": ("anniversaries",),
    "wedding": ("weddings", "bride", "groom", "bridal", "hen party", "save the date"),
    "christmas": ("xmas", "stocking filler", "festive"),
    "valentine's day": ("valentine", "valentines", "valentine's"),
    "mother's day": ("mothers day", "for mum", "for mom"),
    "father's day": ("fathers day", "for dad"),
    "new baby": ("baby shower", "newborn", "christening"),
    "graduation": ("graduate", "graduating"),
    "housewarming": ("house warming", "new home"),
    "just because": (),
}
MATERIALS: dict[str, tuple[str, ...]] = {
    "ceramic": ("porcelain",), "enamel": (), "stoneware": (), "stainless steel": ("steel",),
    "recycled plastic": (), "linen": (), "velvet": (), "cotton": (), "organic cotton": (),
    "bamboo jersey": (), "cotton fleece": ("fleece",), "soy wax": (), "coconut wax": (), "oak": (),
    "walnut": (), "bamboo": (), "silicone": (), "polycarbonate": (), "canvas": (), "cotton canvas": (),
    "jute": (), "recycled cotton": (), "brass": (), "leather": (), "acrylic": (), "sterling silver": ("925 silver",),
    "gold plated": ("gold-plated",), "rose gold plated": (), "9ct gold": (), "archival paper": (),
    "giclée paper": ("giclee paper",), "recycled paper": (), "linen cover": (), "recycled card": (),
    "textured card": (), "foil card": (), "recycled board": (), "glass": (), "wood": ("wooden",),
}
COLOURS: dict[str, tuple[str, ...]] = {
    "white": (), "black": (), "navy": ("navy blue",), "sage green": ("sage",), "blush pink": ("blush",),
    "mustard": ("mustard yellow",), "terracotta": (), "sky blue": (), "charcoal": ("charcoal grey",),
    "cream": ("ivory",), "forest green": (), "lilac": ("lavender",), "red": (), "blue": (), "green": (),
    "pink": (), "yellow": (), "grey": ("gray",), "gold": (), "silver": (),
}
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "attributes": ATTRIBUTES, "occasions": OCCASIONS, "materials": MATERIALS, "colours": COLOURS,
}


@dataclass(frozen=True)
class Suggestion:
    family: str
    value: str
    confidence: float
    source: str  # "vocabulary", "model" or "vocabulary+model"


def normalise_text(text: str) -> str:
    """Lower case with typographic apostrophes made plain, so "Valentine’s" matches "valentine's"."""
    return text.lower().replace("\u2019", "'")


def _pattern(phrase: str) -> re.Pattern:
    # Word boundaries, so "oak" does not match "soak" and "red" not "hundred".
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])")


_PATTERNS: dict[str, list[tuple[str, bool, re.Pattern]]] = {
    family: [
        (value, is_name, _pattern(phrase))
        for value, synonyms in vocabulary.items()
        for phrase, is_name in [(value, True), *((s, False) for s in synonyms)]
    ]
    for family, vocabulary in VOCABULARIES.items()
}


def _contained_in_longer(value: str, found: set[str]) -> bool:
    """"cotton" is not a separate material when "organic cotton" was found in the same place."""
    return any(value != other and _pattern(value).search(other) for other in found)


def match_vocabulary(*, title: str, description: str = "", families: tuple[str, ...] = VOCABULARY_FAMILIES) -> list[Suggestion]:
    """Every vocabulary value the text names, with the confidence of the best place it was named."""
    places = ((normalise_text(title), CONFIDENCE_TITLE), (normalise_text(description), CONFIDENCE_DESCRIPTION))
    suggestions: list[Suggestion] = []
    for family in families:
        best: dict[str, float] = {}
        for text, confidence in places:
            if not text:
                continue
            names_here = {value for value, is_name, pattern in _PATTERNS[family] if is_name and pattern.search(text)}
            for value, is_name, pattern in _PATTERNS[family]:
                if is_name and value in names_here and _contained_in_longer(value, names_here):
                    continue
                if pattern.search(text):
                    score = confidence - (0 if is_name else SYNONYM_DISCOUNT)
                    best[value] = max(best.get(value, 0.0), score)
        suggestions.extend(Suggestion(family, value, round(score, 3), "vocabulary") for value, score in best.items())
    return sorted(suggestions, key=lambda s: (FAMILIES.index(s.family), -s.confidence, s.value))
