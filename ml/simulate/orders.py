"""Orders and their lines, with totals that add up and statuses reached through allowed transitions.

Each order gets a lifecycle (paid, fulfilled, shipped, delivered, and possibly cancelled or
refunded) drawn as times; its status is the last step reached by the window's end. Every path
is one the order service accepts: pending -> paid -> fulfilled -> shipped -> delivered, with
cancellation only before fulfilment and refunds (chargebacks included) only after payment.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ml.simulate.catalog_spec import CATEGORIES, COLOURS
from ml.simulate.config import SimulationConfig
from ml.simulate.geography import TAX_RATES

DAY = 86400.0
CHARGEBACK_PATTERNS = ("stolen_card", "account_takeover")
_P_AWAITING_PAYMENT = 0.03  # pays by bank transfer, later or never
_P_CANCELLED = 0.03
_P_REFUNDED = 0.025
_FONTS = ("Playfair Display", "Montserrat", "Great Vibes", "Courier Prime", "Amatic SC")
_MESSAGES = ("{name}", "{initial}", "Happy Birthday {name}!", "{name} & Sam", "Love you, {name}", "Est. 2019",
             "Team {name}", "{name}'s Coffee")


def _customisation(rng: np.random.Generator, kind: str | None, first_name: str) -> str:
    if kind is None:
        return "{}"
    text = str(rng.choice(_MESSAGES)).format(name=first_name, initial=first_name[:1])
    if kind == "photo":
        details = {"photo": f"upload-{int(rng.integers(10**7, 10**8))}.jpg", "proof_requested": bool(rng.random() < 0.6)}
    elif kind == "embroidery":
        details = {"text": text, "thread": str(rng.choice(COLOURS))}
    else:
        details = {"text": text, "font": str(rng.choice(_FONTS))}
    return json.dumps(details, sort_keys=True)


def _lifecycle(rng: np.random.Generator, config: SimulationConfig, orders: pd.DataFrame) -> pd.DataFrame:
    """Status at the window's end, when payment happened (NaN if never) and when it was delivered."""
    n = len(orders)
    placed = orders["placed_s"].to_numpy()
    fraud = orders["fraud_pattern"].to_numpy() != ""
    awaiting = ~fraud & (rng.random(n) < _P_AWAITING_PAYMENT)
    pay_delay = np.where(awaiting, rng.uniform(0.5, 5, size=n) * DAY, rng.exponential(40, size=n) + 2)
    never_paid = awaiting & (pay_delay > 3 * DAY)
    paid = np.where(never_paid, np.inf, placed + pay_delay)
    fulfilled = paid + rng.uniform(0.5, 3, size=n) * DAY
    shipped = fulfilled + rng.uniform(0.3, 2, size=n) * DAY
    delivered = shipped + rng.uniform(2, 7, size=n) * DAY
    cancelled = np.full(n, np.inf)
    cancelled[never_paid] = placed[never_paid] + 3 * DAY
    buyer_cancels = ~fraud & ~never_paid & (rng.random(n) < _P_CANCELLED)
    cancelled[buyer_cancels] = paid[buyer_cancels] + rng.uniform(0.04, 0.45, size=buyer_cancels.sum()) * DAY
    refunded = np.full(n, np.inf)
    returns = ~fraud & ~buyer_cancels & (rng.random(n) < _P_REFUNDED)
    refunded[returns] = delivered[returns] + rng.uniform(2, 14, size=returns.sum()) * DAY
    chargeback = np.isin(orders["fraud_pattern"].to_numpy(), CHARGEBACK_PATTERNS)
    refunded[chargeback] = paid[chargeback] + rng.uniform(5, 30, size=chargeback.sum()) * DAY

    now = config.days * DAY
    status = np.select(
        [cancelled <= now, refunded <= now, delivered <= now, shipped <= now, fulfilled <= now, paid <= now],
        ["cancelled", "refunded", "delivered", "shipped", "fulfilled", "paid"],
        "pending",
    )
    return pd.DataFrame({
        "status": status,
        "paid_s": np.where(paid <= now, paid, np.nan),
        "delivered_s": np.where(status == "delivered", delivered, np.nan),
    }, index=orders.index)


def assemble_orders(
    config: SimulationConfig,
    stage: str,
    headers: pd.DataFrame,
    lines: pd.DataFrame,
    products: pd.DataFrame,
    customers: pd.DataFrame,
    merchants: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Orders with totals and statuses, and their items.

    headers: order, customer, merchant, placed_s, fraud_pattern ("" when genuine), session (-1 if none).
    lines: order, product, quantity; repeated products of one order are merged into one item.
    """
    rng = config.rng(stage)
    items = lines.groupby(["order", "product"], sort=False, as_index=False)["quantity"].sum()
    items = items.sort_values(["order"], kind="stable").reset_index(drop=True)
    product = items["product"].to_numpy()
    items["unit_price"] = products["price"].to_numpy()[product]
    items["title"] = products["title"].to_numpy()[product]
    kinds = np.array([c.personalisation for c in CATEGORIES], dtype=object)[products["category"].to_numpy()[product]]
    kinds = np.where(products["customisable"].to_numpy()[product], kinds, None)
    order_customer = headers.set_index("order")["customer"]
    first_names = customers["first_name"].to_numpy()[order_customer.loc[items["order"]].to_numpy()]
    items["customisation"] = [_customisation(rng, k, f) for k, f in zip(kinds, first_names, strict=True)]

    orders = headers.sort_values("order").reset_index(drop=True)
    line_totals = np.round(items["unit_price"].to_numpy() * items["quantity"].to_numpy(), 2)
    subtotal = np.round(
        pd.Series(line_totals).groupby(items["order"].to_numpy()).sum().reindex(orders["order"], fill_value=0.0).to_numpy(), 2
    )
    merchant = orders["merchant"].to_numpy()
    free_over = merchants["free_shipping_over"].to_numpy()[merchant]
    shipping = np.where(subtotal >= free_over, 0.0, merchants["shipping_fee"].to_numpy()[merchant])
    tax = np.round(subtotal * TAX_RATES[customers["country_index"].to_numpy()[orders["customer"].to_numpy()]], 2)
    orders["currency"] = "USD"
    orders["subtotal"] = subtotal
    orders["shipping"] = shipping
    orders["tax"] = tax
    orders["total"] = np.round(subtotal + shipping + tax, 2)
    return pd.concat([orders, _lifecycle(rng, config, orders)], axis=1), items
