"""One call from a config to the whole demo marketplace as DataFrames.

Stages run in a fixed order, each on its own random stream (see SimulationConfig.rng). Frames
name rows by 0-based keys (merchant, product, customer, order); `external_id`-style columns
and every timestamp are final. Genuine and fraudulent orders are numbered together in time
order (ORD-1000001, …), as are payments (TXN-…) and events (EVT-…).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.simulate.catalog import merchants_frame, products_frame
from ml.simulate.config import SimulationConfig
from ml.simulate.fraud import plan_fraud
from ml.simulate.ids import sequential_ids
from ml.simulate.orders import assemble_orders
from ml.simulate.payments import CONTEXT_COLUMNS, genuine_context, payments_for_orders
from ml.simulate.reviews import simulate_reviews
from ml.simulate.sessions import ADD_TO_CART, CHECKOUT, PURCHASE, REMOVE_FROM_CART, Activity, simulate_sessions
from ml.simulate.shoppers import customers_frame

StageReport = Callable[[str, int], None]
HEADER_COLUMNS = ["order", "customer", "merchant", "placed_s", "fraud_pattern", "session"]
FIRST_ORDER_NUMBER = 1_000_001


@dataclass
class Marketplace:
    merchants: pd.DataFrame
    products: pd.DataFrame
    product_tags: pd.DataFrame
    customers: pd.DataFrame
    sessions: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    order_items: pd.DataFrame
    payments: pd.DataFrame
    reviews: pd.DataFrame
    merchant_customers: pd.DataFrame


def _genuine_orders(activity: Activity) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order headers (one per purchasing session, placed at its first purchase event) and their lines."""
    events = activity.events
    placed = events[events["type_code"] == PURCHASE].groupby("session")["t"].min()
    sessions = activity.sessions.set_index("session").loc[placed.index]
    headers = pd.DataFrame({
        "order": np.arange(len(placed)), "customer": sessions["customer"].to_numpy(),
        "merchant": sessions["merchant"].to_numpy(), "placed_s": placed.to_numpy(), "fraud_pattern": "",
        "session": placed.index.to_numpy(),
    })
    order_of_session = pd.Series(headers["order"].to_numpy(), index=headers["session"].to_numpy())
    bought = activity.cart_lines[activity.cart_lines["purchased"]]
    lines = pd.DataFrame({"order": order_of_session.loc[bought["session"].to_numpy()].to_numpy(),
                          "product": bought["product"].to_numpy(), "quantity": bought["quantity"].to_numpy()})
    return headers, lines


def _number_orders(orders: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Orders in time order with ORD- numbers; returns them and the old-key -> new-key map."""
    orders = orders.sort_values(["placed_s", "order"], kind="stable").reset_index(drop=True)
    renumber = np.empty(len(orders), dtype=np.int64)
    renumber[orders["order"].to_numpy()] = np.arange(len(orders))
    orders["order"] = np.arange(len(orders))
    orders.insert(1, "number", sequential_ids("ORD-", len(orders), 7, start=FIRST_ORDER_NUMBER))
    return orders, renumber


def _event_frame(config: SimulationConfig, activity: Activity, customers: pd.DataFrame,
                 orders: pd.DataFrame) -> pd.DataFrame:
    events = activity.events.sort_values(["t", "session", "type_code"], kind="stable").reset_index(drop=True)
    code = events["type_code"].to_numpy()
    customer = events["customer"].to_numpy()
    quantity = events["quantity"].to_numpy().astype(str).astype(object)
    order_of_session = pd.Series(orders["number"].to_numpy(), index=orders["session"].to_numpy())
    purchase = code == PURCHASE
    number = np.full(len(events), "", dtype=object)
    number[purchase] = order_of_session.loc[events.loc[purchase, "session"].to_numpy()].to_numpy()
    device = customers["device_kind"].to_numpy().astype(object)[customer]
    extra = np.select(
        [np.isin(code, (ADD_TO_CART, REMOVE_FROM_CART)), code == CHECKOUT, purchase],
        [', "quantity": ' + quantity, ', "items": ' + quantity, ', "order": "' + number + '", "quantity": ' + quantity],
        "",
    )
    product = pd.array(events["product"].to_numpy(), dtype="Int64")
    product[events["product"].to_numpy() < 0] = pd.NA
    return pd.DataFrame({
        "external_id": sequential_ids("EVT-", len(events), 9),
        "merchant": events["merchant"].to_numpy(),
        "customer": customer,
        "anonymous_id": customers["device_id"].to_numpy()[customer],
        "session_id": sequential_ids("SES-", len(activity.sessions), 7)[events["session"].to_numpy()],
        "type": events["type"].to_numpy(),
        "product": product,
        "query": events["query"].to_numpy(),
        "value": events["value"].to_numpy(),
        "timestamp": config.timestamps(events["t"].to_numpy()),
        "properties": '{"device": "' + device + '"' + extra + "}",
    })


def _merchant_customers(config: SimulationConfig, frames: list[tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """Each (merchant, customer) pair that met anywhere, first seen at their earliest contact."""
    contacts = pd.concat([f[["merchant", "customer", t]].set_axis(["merchant", "customer", "t"], axis=1) for f, t in frames])
    pairs = contacts.groupby(["merchant", "customer"], as_index=False)["t"].min()
    pairs["first_seen_at"] = config.timestamps(pairs["t"].to_numpy())
    return pairs.drop(columns=["t"])


def simulate(config: SimulationConfig, report: StageReport | None = None) -> Marketplace:
    """The whole marketplace; `report(stage, rows)` is called as each stage finishes."""
    done = report or (lambda stage, rows: None)

    merchants = merchants_frame()
    products, product_tags = products_frame(config, merchants)
    done("catalog", len(products))
    customers = customers_frame(config, merchants)
    done("shoppers", len(customers))
    activity = simulate_sessions(config, customers, merchants, products)
    done("sessions", len(activity.events))

    headers, lines = _genuine_orders(activity)
    genuine, genuine_items = assemble_orders(config, "orders", headers, lines, products, customers, merchants)
    genuine_payments = payments_for_orders(genuine, genuine_context(config, genuine, customers), merchants)
    done("orders", len(genuine))

    fraud = plan_fraud(config, customers, products, merchants, genuine, len(genuine_payments), first_order=len(genuine))
    fraudulent, fraud_items = assemble_orders(
        config, "fraud_orders", fraud.headers[HEADER_COLUMNS], fraud.lines, products, customers, merchants
    )
    context = fraud.headers.set_index("order").loc[fraudulent["order"], CONTEXT_COLUMNS].set_axis(fraudulent.index)
    fraud_payments = payments_for_orders(fraudulent, context, merchants)
    done("fraud", len(fraud_payments) + len(fraud.card_tests))

    orders, renumber = _number_orders(pd.concat([genuine, fraudulent], ignore_index=True))
    items = pd.concat([genuine_items, fraud_items], ignore_index=True)
    items["order"] = renumber[items["order"].to_numpy()]
    items = items.sort_values(["order"], kind="stable").reset_index(drop=True)
    payments = pd.concat([genuine_payments, fraud_payments, fraud.card_tests], ignore_index=True)
    has_order = payments["order"].to_numpy() >= 0
    payment_order = pd.array(np.where(has_order, renumber[np.maximum(payments["order"].to_numpy(), 0)], 0), dtype="Int64")
    payment_order[~has_order] = pd.NA
    payments["order"] = payment_order
    payments = payments.sort_values(["t", "customer"], kind="stable").reset_index(drop=True)
    payments.insert(0, "transaction_id", sequential_ids("TXN-", len(payments), 8))

    reviews = simulate_reviews(config, orders, items, products, customers)
    done("reviews", len(reviews))

    events = _event_frame(config, activity, customers, orders)
    merchant_customers = _merchant_customers(
        config, [(activity.events, "t"), (orders, "placed_s"), (payments, "t"), (reviews, "t")]
    )
    # Accounts open `signup_lag` before their first visit or payment.
    contacts = pd.concat([activity.events[["customer", "t"]], payments[["customer", "t"]]])
    first_seen = contacts.groupby("customer")["t"].min().reindex(customers["customer"]).to_numpy()
    customers = customers.assign(
        created_at=config.timestamps(first_seen) - pd.to_timedelta(customers["signup_lag"].to_numpy())
    )
    orders["placed_at"] = config.timestamps(orders["placed_s"].to_numpy())
    payments["timestamp"] = config.timestamps(payments["t"].to_numpy())
    reviews["created_at"] = config.timestamps(reviews["t"].to_numpy())
    done("finish", len(events))
    return Marketplace(
        merchants=merchants, products=products, product_tags=product_tags, customers=customers,
        sessions=activity.sessions, events=events, orders=orders, order_items=items, payments=payments,
        reviews=reviews, merchant_customers=merchant_customers,
    )
