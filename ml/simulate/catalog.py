"""Merchants and their products: believable titles, descriptions, attributes, prices and tags.

Frames use 0-based positional keys (`merchant`, `product`); the database writer maps keys
to row ids. JSON columns hold JSON text, as in a file export.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ml.simulate.catalog_spec import CATEGORIES, COLOURS, MERCHANTS, OCCASIONS, CategorySpec
from ml.simulate.config import SimulationConfig

_MOTIFS = {
    "print": ("Name", "Initial", "Slogan", "Photo", "Star Sign", "Monogram", "Family Names"),
    "engraving": ("Name", "Initials", "Date", "Coordinates", "Message", "Monogram"),
    "embroidery": ("Name", "Initial", "Monogram", "Slogan"),
    "photo": ("Photo", "Pet", "Family", "Wedding"),
}
_CUSTOM_PREFIXES = ("Personalised", "Custom", "Bespoke", "Hand-Lettered")
_STYLES = ("Minimalist", "Vintage", "Botanical", "Scandi", "Rainbow", "Classic", "Retro", "Boho")
_ECO_WORDS = ("organic", "recycled", "bamboo", "soy", "jute")
_PERSONALISATION_SENTENCES = {
    "print": "Add a name, date or short message and we print it in your choice of font.",
    "engraving": "Tell us the words or date to engrave; every piece is engraved by hand in our studio.",
    "embroidery": "Your text is embroidered in a thread colour of your choice.",
    "photo": "Upload your favourite photo at checkout and we send a proof before printing.",
}
CUSTOMISABLE_SHARE = 0.85
_P_SOLD_OUT = 0.08


def merchants_frame() -> pd.DataFrame:
    rows = []
    for key, spec in enumerate(MERCHANTS):
        settings = {"home_country": spec.home_country, "free_shipping_over": spec.free_shipping_over,
                    "shipping_fee": spec.shipping_fee}
        rows.append({"merchant": key, "external_id": f"MER-{key + 1:03d}", "name": spec.name, "slug": spec.slug,
                     "merchant_category": spec.merchant_category, "size": spec.size,
                     "free_shipping_over": spec.free_shipping_over, "shipping_fee": spec.shipping_fee,
                     "settings": json.dumps(settings, sort_keys=True)})
    return pd.DataFrame(rows)


def _price(rng: np.random.Generator, spec: CategorySpec) -> float:
    raw = rng.lognormal(np.log(spec.price_median), spec.price_sigma)
    ending = rng.choice([0.99, 0.5, 0.0], p=[0.6, 0.25, 0.15])
    return round(max(1.0, float(np.floor(raw))) + float(ending), 2)


def _stock(rng: np.random.Generator, customisable: bool) -> int:
    """Made-to-order goods keep blanks in hand; ready-made stock runs out now and then."""
    if customisable:
        return int(rng.integers(50, 500))
    return 0 if rng.random() < _P_SOLD_OUT else int(rng.integers(1, 120))


def _pick(rng: np.random.Generator, options: tuple[str, ...], low: int, high: int) -> list[str]:
    count = int(rng.integers(low, min(high, len(options)) + 1))
    return sorted(rng.choice(options, size=count, replace=False).tolist())


def _product(rng: np.random.Generator, spec: CategorySpec, customisable: bool) -> dict:
    noun = str(rng.choice(spec.nouns))
    variant = str(rng.choice(spec.variants))
    if customisable:
        title = f"{rng.choice(_CUSTOM_PREFIXES)} {rng.choice(_MOTIFS[spec.personalisation])} {noun} — {variant}"
    else:
        title = f"{rng.choice(_STYLES)} {noun} — {variant}"
    materials = _pick(rng, spec.materials, 1, 2)
    colours = _pick(rng, COLOURS, 2, 4)
    occasions = _pick(rng, OCCASIONS, 2, 3)
    attributes = {"materials": materials, "colours": colours, "occasions": occasions, "sizes": list(spec.sizes)}
    if customisable:
        attributes["personalisation"] = spec.personalisation
    sentences = [
        f"A {noun.lower()} made from {' and '.join(materials)}, available in {', '.join(colours)}.",
        _PERSONALISATION_SENTENCES[spec.personalisation] if customisable else "Ready to ship as pictured.",
        f"A thoughtful gift for {', '.join(occasions)}.",
        f"Sizes: {', '.join(spec.sizes)}.",
    ]
    tags = [spec.path.split(" > ")[-1].lower()]
    if customisable:
        tags.append("personalised")
    tags.extend(f"{occasion} gift" for occasion in occasions[:2])
    if any(word in " ".join(materials) for word in _ECO_WORDS):
        tags.append("eco-friendly")
    return {"title": title, "noun": noun, "description": " ".join(sentences),
            "attributes": json.dumps(attributes, sort_keys=True), "tags": tags}


def products_frame(config: SimulationConfig, merchants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Products, and their (product, tag) pairs. Every merchant gets at least one product."""
    rng = config.rng("catalog")
    n_merchants = len(merchants)
    shares = merchants["size"].to_numpy() / merchants["size"].sum()
    counts = 1 + rng.multinomial(config.products - n_merchants, shares)
    merchant_keys = np.repeat(np.arange(n_merchants), counts)
    spec_index = {spec.path: index for index, spec in enumerate(CATEGORIES)}

    rows = []
    for key, merchant in enumerate(merchant_keys):
        leaf_paths = MERCHANTS[merchant].categories
        spec = CATEGORIES[spec_index[leaf_paths[int(rng.integers(0, len(leaf_paths)))]]]
        customisable = bool(rng.random() < CUSTOMISABLE_SHARE)
        made = _product(rng, spec, customisable)
        rows.append({
            "product": key, "external_id": f"PRD-{key + 1:06d}", "merchant": int(merchant),
            "category": spec_index[spec.path], "category_path": spec.path, "title": made["title"],
            "noun": made["noun"], "description": made["description"], "price": _price(rng, spec),
            "currency": "USD", "attributes": made["attributes"], "customisable": customisable,
            "stock": _stock(rng, customisable),
            "active": bool(rng.random() > 0.03), "tags": made["tags"],
        })
    products = pd.DataFrame(rows)
    n = len(products)
    # Popularity is heavy-tailed: a few bestsellers take most views.
    products["popularity"] = rng.lognormal(0.0, 1.0, size=n)
    products["quality"] = rng.beta(6, 2, size=n)
    age_days = rng.uniform(7, 540, size=n)
    products["created_at"] = config.window_start - pd.to_timedelta(np.round(age_days * 86400), unit="s")
    bestsellers = products["popularity"] >= products["popularity"].quantile(0.9)
    products.loc[bestsellers, "tags"] = products.loc[bestsellers, "tags"].map(lambda tags: [*tags, "bestseller"])
    product_tags = products[["product", "tags"]].explode("tags").rename(columns={"tags": "tag"})
    return products.drop(columns=["tags"]), product_tags.reset_index(drop=True)
