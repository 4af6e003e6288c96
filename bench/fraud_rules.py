"""Speed of the fraud rules language: compile once, evaluate per payment, backtest over history.

Prints evaluation time per rule per payment for the shipped default rules, and backtest rows/s
beside a hand-written pandas mask of the same condition (the baseline, measured in the same run).

    .venv/bin/python bench/fraud_rules.py [--rows 100000]
"""
from __future__ import annotations

import argparse
import sys
import time
import timeit
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml.fraud.rules import DEFAULT_RULES, Rule, evaluate_rules  # noqa: E402
from ml.fraud.rules_backtest import backtest_rule  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    features = {
        "amount": 640.0, "hour": 3, "is_night": True, "cust_count_1h": 4, "card_count_1h": 2, "cust_amount_24h": 900.0,
        "amount_zscore": 3.4, "is_first_transaction": False, "ip_country_mismatch": True, "is_vpn_ip": False,
        "is_blocklisted_device": False,
    }
    runs = 2000
    seconds = timeit.timeit(lambda: evaluate_rules(DEFAULT_RULES, features), number=runs)
    per_rule_us = seconds / (runs * len(DEFAULT_RULES)) * 1e6
    print(f"default rules: {len(DEFAULT_RULES)} rules, {per_rule_us:.2f} µs per rule per payment "
          f"({seconds / runs * 1e3:.3f} ms for all rules)")

    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "cust_count_1h": rng.integers(0, 20, args.rows),
        "card_count_1h": rng.integers(0, 20, args.rows),
        "cust_amount_24h": rng.uniform(0, 12_000, args.rows),
        "is_fraud": rng.choice([0.0, 1.0, np.nan], args.rows),
    })
    rule = Rule(name="velocity", condition="cust_count_1h > 10 or card_count_1h > 10 or cust_amount_24h > 10000",
                action="review", weight=0.5)
    started = time.perf_counter()
    result = backtest_rule(rule, frame)
    rules_s = time.perf_counter() - started
    started = time.perf_counter()
    mask = (frame.cust_count_1h > 10) | (frame.card_count_1h > 10) | (frame.cust_amount_24h > 10_000)
    pandas_s = time.perf_counter() - started
    assert result.hits == int(mask.sum())
    print(f"backtest over {args.rows:,} rows: {rules_s:.3f} s ({args.rows / rules_s:,.0f} rows/s); "
          f"hand-written pandas mask: {pandas_s:.4f} s; ratio {rules_s / pandas_s:.0f}x")


if __name__ == "__main__":
    main()
