"""A card-payment history for the demo's fraud model, brought in the way a merchant would bring one.

The storefront simulation of `seed_demo` yields a few hundred payments, too few (and too few
frauds) to train a fraud model on. This writes a longer history from the handbook-style payment
simulator (`ml.simulate.transactions`) as the documented customers and transactions CSV files,
with the simulator's terminals mapped onto the demo's merchants, and imports them through
`import_data`'s own service, so the demo exercises the real import path.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TextIO

import pandas as pd
from django.utils import timezone

from apps.imports.report import ImportReport
from apps.imports.services import data_import
from apps.merchants.models import Merchant
from ml.simulate.transactions import TRANSACTION_COLUMNS, SimulationConfig, simulate_transactions

CUSTOMER_PREFIX = "CARD-"


@dataclass(frozen=True)
class PaymentHistoryResult:
    customers: ImportReport
    transactions: ImportReport
    live_rows: int


def demo_payments_seed(
    *, customers: int, terminals: int, days: int, seed: int, live_days: int, live_file: Path, progress: TextIO | None
) -> PaymentHistoryResult:
    """Import all but the last `live_days` as labelled history; write those days, unlabelled, to `live_file`
    for `import_data scored_transactions` once a model is trained (they then fill the review queue)."""
    merchants = list(Merchant.objects.order_by("id").values_list("external_id", flat=True))
    if not merchants:
        raise ValueError("no merchants yet: run seed_demo first")
    start = (timezone.now() - timedelta(days=days)).date().isoformat()
    data = simulate_transactions(
        # Terminals are folded into a handful of merchants below, so the "compromised terminal"
        # scenario would mark whole merchants as fraudulent; it is left out of the demo history.
        SimulationConfig(
            n_customers=customers, n_terminals=terminals, n_days=days, seed=seed, start=start, compromised_terminals_per_day=0
        )
    )
    tx = data.transactions.copy()
    # Terminals become the demo merchants' checkouts, so merchant risk features see real merchants.
    terminal_codes, _ = pd.factorize(tx["merchant_id"], sort=True)
    tx["merchant_id"] = [merchants[code % len(merchants)] for code in terminal_codes]
    tx["customer_id"] = CUSTOMER_PREFIX + tx["customer_id"]
    people = data.customers.assign(customer_id=CUSTOMER_PREFIX + data.customers["customer_id"])
    cut = pd.to_datetime(tx["timestamp"], utc=True) >= pd.Timestamp(timezone.now() - timedelta(days=live_days))
    live_file.parent.mkdir(parents=True, exist_ok=True)
    tx.loc[cut, [c for c in TRANSACTION_COLUMNS if c != "is_fraud"]].to_csv(live_file, index=False)
    with tempfile.TemporaryDirectory() as workdir:
        customers_csv = Path(workdir) / "customers.csv"
        transactions_csv = Path(workdir) / "transactions.csv"
        people[["customer_id", "country"]].to_csv(customers_csv, index=False)
        tx.loc[~cut, TRANSACTION_COLUMNS].to_csv(transactions_csv, index=False)
        return PaymentHistoryResult(
            customers=data_import(kind="customers", path=customers_csv, progress=progress),
            transactions=data_import(kind="transactions", path=transactions_csv, progress=progress),
            live_rows=int(cut.sum()),
        )
