"""Reviews of delivered order lines: a rating from product quality and the shopper's temper,
and text that agrees with it, mentioning the aspects people write about.

5 stars: only praise; 4: praise, sometimes with a small gripe; 3: a contrast ("great quality
but slow delivery"); 1-2: complaints. A slow delivery costs stars and becomes the gripe.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ml.simulate.catalog_spec import CATEGORIES
from ml.simulate.config import SimulationConfig
from ml.simulate.ids import sequential_ids
from ml.simulate.orders import DAY
from ml.simulate.review_phrases import (
    CLOSERS,
    NEGATIVE,
    NEGATIVE_SHORT,
    OPENERS,
    POSITIVE,
    POSITIVE_SHORT,
    RING_REVIEWS,
    RING_TITLES,
    TITLES,
)
from ml.simulate.shoppers import archetype_column

_SLOW_DELIVERY_DAYS = 8.0
_P_RING_REVIEW = 0.8


def _aspects(customisable: bool, sized: bool) -> list[str]:
    aspects = ["price", "quality", "delivery", "packaging", "service"]
    if customisable:
        aspects.append("customisation")
    if sized:
        aspects.append("size")
    return aspects


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def write_review(rng: np.random.Generator, rating: int, noun: str, aspects: list[str], slow: bool) -> tuple[str, str]:
    """(title, text) for a rating; the phrase banks keep wording and stars in agreement."""
    noun = noun.lower()

    def pick(options: tuple[str, ...]) -> str:
        return options[int(rng.integers(0, len(options)))]

    chosen = [str(a) for a in rng.choice(aspects, size=min(3, len(aspects)), replace=False)]
    if slow and "delivery" in chosen:
        chosen.remove("delivery")
    good = chosen
    gripe = "delivery" if slow else chosen[-1]
    parts = [pick(OPENERS[rating])]
    if rating == 5:
        parts += [pick(POSITIVE[a]) for a in good[:3]]
    elif rating == 4:
        parts += [pick(POSITIVE[a]) for a in good[:2] if a != gripe]
        if slow or rng.random() < 0.5:
            parts.append(f"Only downside: {NEGATIVE_SHORT[gripe]}.")
    elif rating == 3:
        praised = next(a for a in [*good, "quality"] if a != gripe)
        parts.append(_sentence(f"{POSITIVE_SHORT[praised]} but {NEGATIVE_SHORT[gripe]}."))
    else:
        complaints = [gripe, *[a for a in chosen if a != gripe]][: 4 - rating]
        parts += [pick(NEGATIVE[a]) for a in complaints]
    parts.append(pick(CLOSERS[rating]))
    text = " ".join(p for p in parts if p).replace("{noun}", noun)
    return pick(TITLES[rating]).replace("{noun}", noun), text


def simulate_reviews(
    config: SimulationConfig, orders: pd.DataFrame, items: pd.DataFrame, products: pd.DataFrame, customers: pd.DataFrame
) -> pd.DataFrame:
    """Reviews of delivered lines: genuine ones by archetype propensity, plus the rings' praise."""
    rng = config.rng("reviews")
    delivered = orders[orders["status"] == "delivered"].set_index("order")
    lines = items[items["order"].isin(delivered.index)].reset_index(drop=True)
    order = delivered.loc[lines["order"].to_numpy()]
    customer = order["customer"].to_numpy()
    ring = order["fraud_pattern"].to_numpy() == "collusion_ring"
    archetype = customers["archetype_index"].to_numpy()[customer]
    chance = np.where(ring, _P_RING_REVIEW, archetype_column("p_review")[archetype])
    keep = rng.random(len(lines)) < chance
    product = lines["product"].to_numpy()
    delivery_days = (order["delivered_s"].to_numpy() - order["placed_s"].to_numpy()) / DAY
    slow = delivery_days > _SLOW_DELIVERY_DAYS
    score = (
        1.6 + 3.4 * products["quality"].to_numpy()[product] + archetype_column("rating_shift")[archetype]
        - np.where(slow, 0.5, 0.0) + rng.normal(0, 0.8, size=len(lines))
    )
    rating = np.where(ring, 5, np.clip(np.rint(score), 1, 5)).astype(int)
    # Rings post within a couple of days of delivery; genuine shoppers take up to three weeks.
    delay_days = np.where(ring, rng.uniform(0.2, 2, len(lines)), rng.uniform(1, 21, len(lines)))
    written = order["delivered_s"].to_numpy() + delay_days * DAY
    keep &= written < config.days * DAY

    sized = np.array([c.sized for c in CATEGORIES])[products["category"].to_numpy()[product]]
    customisable = products["customisable"].to_numpy()[product]
    nouns = products["noun"].to_numpy()[product]
    titles, texts = [], []
    for index in np.nonzero(keep)[0]:
        if ring[index]:
            noun = nouns[index].lower()
            titles.append(str(rng.choice(RING_TITLES)))
            texts.append(str(rng.choice(RING_REVIEWS)).replace("{noun}", noun))
            continue
        title, text = write_review(rng, int(rating[index]), nouns[index],
                                   _aspects(bool(customisable[index]), bool(sized[index])), bool(slow[index]))
        titles.append(title)
        texts.append(text)
    reviews = pd.DataFrame({
        "product": product[keep], "customer": customer[keep],
        "merchant": products["merchant"].to_numpy()[product[keep]], "rating": rating[keep],
        "title": titles, "text": texts, "t": np.round(written[keep], 3), "ring": ring[keep],
    }).sort_values("t", kind="stable").reset_index(drop=True)
    reviews.insert(0, "external_id", sequential_ids("REV-", len(reviews), 6))
    return reviews
