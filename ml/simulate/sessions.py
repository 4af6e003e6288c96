"""Visits and the behavioural events they leave: search -> views -> wishlist -> cart -> checkout -> purchase.

Everything is vectorised over all sessions at once. Each stage of the funnel is a Bernoulli
draw conditional on the previous one, so sessions reaching a stage can only shrink down the
funnel; with the archetype rates about 3% of sessions end in a purchase. Every product an
event names is drawn from the session's merchant's own catalog.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.simulate.catalog_spec import CATEGORIES
from ml.simulate.config import SimulationConfig
from ml.simulate.geography import UTC_OFFSET_HOURS
from ml.simulate.seasonality import FLAT_HOUR_WEIGHTS, HUMAN_HOUR_WEIGHTS, day_weights
from ml.simulate.shoppers import ARCHETYPE_INDEX, ARCHETYPES, archetype_column

# Block order inside a session; also the event type codes.
EVENT_TYPES = np.array(["search", "view", "wishlist", "add_to_cart", "remove_from_cart", "checkout", "purchase"])
SEARCH, VIEW, WISHLIST, ADD_TO_CART, REMOVE_FROM_CART, CHECKOUT, PURCHASE = range(len(EVENT_TYPES))
# Mean seconds a person spends before each kind of event.
_HUMAN_GAP_SECONDS = np.array([5.0, 38.0, 12.0, 25.0, 20.0, 70.0, 95.0])
_BOT_GAP_SECONDS = 2.0
_P_EXTRA_LINE = 0.3
_P_REMOVE_ABANDONED = 0.35
_P_REMOVE_BEFORE_BUYING = 0.15
_MEAN_EXTRA_LINES = 0.45  # expected extra cart lines beyond the first, for the event budget


@dataclass
class Activity:
    sessions: pd.DataFrame
    events: pd.DataFrame
    cart_lines: pd.DataFrame


def _expected_events_per_session() -> np.ndarray:
    """Roughly how many events one session of each archetype yields (to aim at an event budget)."""
    cart = archetype_column("p_cart")
    checkout = cart * archetype_column("p_checkout")
    lines = 1 + _MEAN_EXTRA_LINES
    return (
        archetype_column("p_search")
        + archetype_column("mean_views") * (1 + archetype_column("p_wishlist"))
        + cart * (lines + _P_REMOVE_ABANDONED)
        + checkout * (1 + archetype_column("p_purchase") * lines)
    )


def _seasonal_level(days: pd.DatetimeIndex) -> np.ndarray:
    """Per archetype: traffic in the window relative to the yearly average (gift buyers come out in December)."""
    year = pd.date_range(end=days[-1], periods=365, freq="D")
    return np.array([day_weights(days, a.calendar).mean() / day_weights(year, a.calendar).mean() for a in ARCHETYPES])


def _visit_scale(config: SimulationConfig, archetypes: np.ndarray, base_rate: np.ndarray) -> float:
    """Multiplier on repeat-visit rates so the expected event count meets `config.events` (1.0 if unset)."""
    if config.events is None:
        return 1.0
    per_session = _expected_events_per_session()
    counts = np.bincount(archetypes, minlength=len(ARCHETYPES))
    repeat = base_rate > 0

    def expected(scale: float) -> float:
        rate = base_rate * scale
        sessions = np.where(repeat, rate + np.exp(-rate), 1.0)
        return float((counts * sessions * per_session).sum())

    low, high = 0.0, 1.0
    while expected(high) < config.events and high < 1e6:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if expected(middle) < config.events else (low, middle)
    return high


def _within(counts: np.ndarray) -> np.ndarray:
    """0..n-1 positions inside each group, for groups of the given sizes laid end to end."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(counts.sum()) - starts


def _sessions(config: SimulationConfig, customers: pd.DataFrame, merchants: pd.DataFrame) -> pd.DataFrame:
    rng = config.rng("sessions")
    days = pd.date_range(config.window_start, periods=config.days, freq="D")
    archetype = customers["archetype_index"].to_numpy()
    base_rate = archetype_column("sessions_per_month") * config.days / 30 * _seasonal_level(days)
    rate = base_rate * _visit_scale(config, archetype, base_rate)
    per_customer = np.where(rate[archetype] > 0, np.maximum(1, rng.poisson(rate[archetype])), 1)

    customer = np.repeat(customers["customer"].to_numpy(), per_customer)
    session_archetype = archetype[customer]
    count = len(customer)
    day = np.empty(count, dtype=np.int64)
    hour = np.empty(count, dtype=np.int64)
    for index, spec in enumerate(ARCHETYPES):
        mask = session_archetype == index
        weights = day_weights(days, spec.calendar)
        day[mask] = rng.choice(len(days), size=mask.sum(), p=weights / weights.sum())
        hours = FLAT_HOUR_WEIGHTS if spec.night_owl else HUMAN_HOUR_WEIGHTS
        hour[mask] = rng.choice(24, size=mask.sum(), p=hours)
    offset = UTC_OFFSET_HOURS[customers["country_index"].to_numpy()[customer]]
    seconds = (day * 24 + hour - offset) * 3600 + rng.uniform(0, 3600, size=count)
    # A local time that falls outside the UTC window moves a day in (same hour), and the
    # latest starts leave room for the session to finish inside the window.
    last_start = config.days * 86400 - 3 * 3600
    seconds = np.where(seconds < 0, seconds + 86400, np.where(seconds > last_start, seconds - 86400, seconds))
    start = np.round(np.clip(seconds, 0, last_start), 3)

    sizes = merchants["size"].to_numpy()
    loyal = rng.random(count) < archetype_column("loyalty")[session_archetype]
    anywhere = rng.choice(len(merchants), size=count, p=sizes / sizes.sum())
    merchant = np.where(loyal, customers["favourite_merchant"].to_numpy()[customer], anywhere)

    is_bot = session_archetype == ARCHETYPE_INDEX["bot"]
    views = np.where(
        is_bot,
        rng.integers(20, 46, size=count),
        1 + rng.poisson(np.maximum(archetype_column("mean_views")[session_archetype] - 1, 0)),
    )
    cart = rng.random(count) < archetype_column("p_cart")[session_archetype]
    lines = np.where(cart, 1 + rng.binomial(np.minimum(views, 3) - 1, _P_EXTRA_LINE), 0)
    checkout = cart & (rng.random(count) < archetype_column("p_checkout")[session_archetype])
    purchase = checkout & (rng.random(count) < archetype_column("p_purchase")[session_archetype])
    remove = np.where(
        purchase,
        (lines > 1) & (rng.random(count) < _P_REMOVE_BEFORE_BUYING),
        cart & (rng.random(count) < _P_REMOVE_ABANDONED),
    )
    # Sessions are numbered in time order so session ids read chronologically.
    frame = pd.DataFrame({
        "customer": customer, "archetype_index": session_archetype, "merchant": merchant, "start_s": start,
        "search": rng.random(count) < archetype_column("p_search")[session_archetype],
        "views": views, "wishlist": rng.binomial(views, archetype_column("p_wishlist")[session_archetype]),
        "lines": lines, "remove": remove, "checkout": checkout, "purchase": purchase,
    })
    frame = frame.sort_values(["start_s", "customer"], kind="stable").reset_index(drop=True)
    frame.insert(0, "session", np.arange(count))
    return frame


def _view_products(
    rng: np.random.Generator, sessions: pd.DataFrame, products: pd.DataFrame, view_session: np.ndarray
) -> np.ndarray:
    """Products viewed: the session merchant's catalog, weighted by popularity and the archetype's price taste."""
    merchant = sessions["merchant"].to_numpy()[view_session]
    archetype = sessions["archetype_index"].to_numpy()[view_session]
    bias = archetype_column("price_bias")
    group = merchant * len(ARCHETYPES) + archetype
    chosen = np.empty(len(view_session), dtype=np.int64)
    by_merchant = {m: frame for m, frame in products.groupby("merchant")}
    for key in np.unique(group):
        m, a = divmod(int(key), len(ARCHETYPES))
        catalog = by_merchant[m]
        listed = catalog[catalog["active"]] if catalog["active"].any() else catalog
        weights = listed["popularity"].to_numpy() * listed["price"].to_numpy() ** bias[a]
        where = np.nonzero(group == key)[0]
        chosen[where] = rng.choice(listed["product"].to_numpy(), size=len(where), p=weights / weights.sum())
    return chosen


def _search_queries(
    rng: np.random.Generator, sessions: pd.DataFrame, first_view_category: np.ndarray
) -> np.ndarray:
    archetype = sessions["archetype_index"].to_numpy()
    picks = rng.integers(0, 1_000_000, size=len(first_view_category))
    flavour = rng.random(len(first_view_category))
    queries = []
    for category, pick, roll, kind in zip(first_view_category, picks, flavour, archetype, strict=True):
        bank = CATEGORIES[category].queries
        query = bank[pick % len(bank)]
        if kind == ARCHETYPE_INDEX["bargain_hunter"] and roll < 0.5:
            query = f"cheap {query}" if roll < 0.25 else f"{query} sale"
        elif kind == ARCHETYPE_INDEX["gift_buyer"] and roll < 0.4:
            query = f"{query} gift"
        queries.append(query)
    return np.array(queries, dtype=object)


def simulate_sessions(
    config: SimulationConfig, customers: pd.DataFrame, merchants: pd.DataFrame, products: pd.DataFrame
) -> Activity:
    sessions = _sessions(config, customers, merchants)
    rng = config.rng("events")
    key = sessions["session"].to_numpy()
    views = sessions["views"].to_numpy()
    lines = sessions["lines"].to_numpy()
    price = products["price"].to_numpy()

    view_session = np.repeat(key, views)
    view_product = _view_products(rng, sessions, products, view_session)
    view_offset = np.cumsum(views) - views

    # Cart lines come from distinct view positions of the same session.
    line_session = np.repeat(key, lines)
    line_no = _within(lines)
    start_at = rng.integers(0, 1 << 30, size=len(key))
    position = (start_at[line_session] + line_no) % views[line_session]
    line_product = view_product[view_offset[line_session] + position]
    extra = archetype_column("p_extra_quantity")[sessions["archetype_index"].to_numpy()[line_session]]
    quantity = 1 + rng.binomial(2, extra)
    removed = sessions["remove"].to_numpy()[line_session] & (line_no == lines[line_session] - 1)
    purchased = sessions["purchase"].to_numpy()[line_session] & ~removed
    cart_lines = pd.DataFrame({
        "line": np.arange(len(line_session)), "session": line_session, "product": line_product,
        "quantity": quantity, "removed": removed, "purchased": purchased,
    })

    wish_session = np.repeat(key, sessions["wishlist"].to_numpy())
    wish_pick = rng.integers(0, 1 << 30, size=len(wish_session)) % views[wish_session]
    wish_product = view_product[view_offset[wish_session] + wish_pick]

    search_session = key[sessions["search"].to_numpy()]
    first_view_category = products["category"].to_numpy()[view_product[view_offset[search_session]]]
    queries = _search_queries(rng, sessions.iloc[search_session], first_view_category)

    checkout_session = key[sessions["checkout"].to_numpy()]
    line_value = price[line_product] * quantity
    kept_value = np.bincount(line_session, weights=np.where(removed, 0.0, line_value), minlength=len(key))
    kept_lines = np.bincount(line_session, weights=~removed, minlength=len(key)).astype(np.int64)

    blocks = [
        (search_session, SEARCH, -1, np.nan, 0, queries, -1),
        (view_session, VIEW, view_product, price[view_product], 0, "", -1),
        (wish_session, WISHLIST, wish_product, price[wish_product], 0, "", -1),
        (line_session, ADD_TO_CART, line_product, line_value, quantity, "", -1),
        (line_session[removed], REMOVE_FROM_CART, line_product[removed], line_value[removed], quantity[removed], "", -1),
        (checkout_session, CHECKOUT, -1, kept_value[checkout_session], kept_lines[checkout_session], "", -1),
        (line_session[purchased], PURCHASE, line_product[purchased], line_value[purchased], quantity[purchased], "",
         np.nonzero(purchased)[0]),
    ]
    parts = []
    for session, kind, product, value, qty, query, line in blocks:
        size = len(session)
        parts.append(pd.DataFrame({
            "session": session, "type_code": np.full(size, kind), "product": np.broadcast_to(product, size),
            "value": np.round(np.broadcast_to(value, size), 2), "quantity": np.broadcast_to(qty, size),
            "query": np.broadcast_to(np.asarray(query, dtype=object), size), "line": np.broadcast_to(line, size),
            "sequence": np.arange(size),
        }))
    events = pd.concat(parts, ignore_index=True)
    events = events.sort_values(["session", "type_code", "sequence"], kind="stable").reset_index(drop=True)
    events["t"] = _seconds(rng, sessions, events)
    session_columns = sessions[["customer", "merchant"]].to_numpy()[events["session"].to_numpy()]
    events["customer"] = session_columns[:, 0]
    events["merchant"] = session_columns[:, 1]
    events["type"] = EVENT_TYPES[events["type_code"].to_numpy()]
    return Activity(sessions=sessions, events=events.drop(columns=["sequence"]), cart_lines=cart_lines)


def _seconds(rng: np.random.Generator, sessions: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Seconds into the window: session start plus the running sum of think-time gaps; bots click at a steady two seconds."""
    session = events["session"].to_numpy()
    is_bot = sessions["archetype_index"].to_numpy()[session] == ARCHETYPE_INDEX["bot"]
    human = 1.5 + rng.exponential(_HUMAN_GAP_SECONDS[events["type_code"].to_numpy()])
    bot = _BOT_GAP_SECONDS + rng.uniform(0, 0.2, size=len(session))
    gaps = np.where(is_bot, bot, human)
    first = np.r_[True, session[1:] != session[:-1]]
    gaps[first] = 0.0
    running = np.cumsum(gaps)
    counts = np.bincount(session, minlength=len(sessions))
    session_base = np.repeat(running[first], counts[counts > 0])
    return np.round(sessions["start_s"].to_numpy()[session] + running - session_base, 3)
