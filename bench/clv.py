"""BG/NBD + Gamma-Gamma (ml/segments/clv.py) on real purchases and on the demo generator's.

1. CDNOW (the 2,357-customer cohort of Fader, Hardie and Lee 2005, read from the `lifetimes`
   0.11.3 wheel cached under var/datasets; the package itself is not used): fit on the 39-week
   calibration period (1997-01-01 to 1997-09-30), print the parameters beside the published
   r=0.243, alpha=4.414, a=0.793, b=2.426 (and Gamma-Gamma p=6.25, q=3.74, v=15.44), then
   predict each customer's repeat purchases in the 39-week holdout and compare with what they
   did: aggregate, by calibration frequency, and MAE per customer beside a naive baseline
   (the calibration purchase rate carried forward) measured in the same run.
2. The demo marketplace (ml.simulate, a year of history): the same fit and holdout check on its
   last quarter, and what the portal would say (its minimum: 500 buyers, 180 days).

Get the data once: ``.venv/bin/pip download lifetimes==0.11.3 --no-deps -d var/datasets``.
Run: ``.venv/bin/python bench/clv.py [--demo-customers 8000 --demo-days 365]``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.segments import clv  # noqa: E402

WHEEL = ROOT / "var" / "datasets" / "Lifetimes-0.11.3-py3-none-any.whl"
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LL = -9582.4
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
BUCKETS = [0, 1, 2, 3, 4, 5, 6, 7]


def cdnow() -> pd.DataFrame:
    if not WHEEL.exists():
        sys.exit(f"missing {WHEEL.relative_to(ROOT)}: run `.venv/bin/pip download lifetimes==0.11.3 --no-deps -d var/datasets`")
    raw = zipfile.ZipFile(WHEEL).read("lifetimes/datasets/CDNOW_sample.txt")
    frame = pd.read_csv(io.BytesIO(raw), sep=r"\s+", header=None, names=["master_id", "customer_id", "date", "cds", "value"])
    frame["date"] = pd.to_datetime(frame["date"].astype(str), format="%Y%m%d")
    return frame


def holdout_counts(transactions: pd.DataFrame, *, start: pd.Timestamp, end: pd.Timestamp, customers: pd.Index) -> pd.Series:
    """Purchase days per customer in (start, end]: what the model predicts as repeat purchases."""
    window = transactions[(transactions["date"] > start) & (transactions["date"] <= end)]
    days = window.assign(day=window["date"].dt.floor("D")).groupby("customer_id")["day"].nunique()
    return days.reindex(customers, fill_value=0).astype(float)


def holdout_check(
    name: str, transactions: pd.DataFrame, *, calibration_end: pd.Timestamp, holdout_end: pd.Timestamp, unit_days: float
) -> tuple[clv.BgNbdParams, clv.GammaGammaParams]:
    summary = clv.summary_from_transactions(transactions, end=calibration_end, freq_days=unit_days)
    started = time.perf_counter()
    bgnbd = clv.fit_bgnbd(summary)
    seconds = time.perf_counter() - started
    spend = clv.fit_gamma_gamma(summary)
    horizon = (holdout_end - calibration_end) / pd.Timedelta(days=unit_days)
    predicted = pd.Series(clv.expected_purchases(bgnbd, summary, horizon), index=summary.index)
    actual = holdout_counts(transactions, start=calibration_end, end=holdout_end, customers=summary.index)
    naive = summary["frequency"] / summary["T"].where(summary["T"] > 0, np.nan) * horizon
    naive = naive.fillna(0.0)
    unit = "weeks" if unit_days == 7 else "days"
    print(f"\n== {name}: {len(summary):,} customers, calibration to {calibration_end.date()}, holdout {horizon:.0f} {unit} ==")
    print(f"BG/NBD  r={bgnbd.r:.3f} alpha={bgnbd.alpha:.3f} a={bgnbd.a:.3f} b={bgnbd.b:.3f}  (fit {seconds:.2f}s)")
    print(f"        log-likelihood {clv.bgnbd_log_likelihood(bgnbd, summary):.1f}")
    print(f"Gamma-Gamma  p={spend.p:.3f} q={spend.q:.3f} v={spend.v:.3f}")
    alive = clv.probability_alive(bgnbd, summary)
    print(f"P(alive) mean {alive.mean():.3f}; share below 0.5: {(alive < 0.5).mean():.1%}")
    ratio = predicted.sum() / max(actual.sum(), 1)
    print(f"holdout repeat purchases: predicted {predicted.sum():,.1f}, actual {actual.sum():,.0f} ({ratio:.3f}x)")
    mae, naive_mae = (predicted - actual).abs().mean(), (naive - actual).abs().mean()
    print(
        f"MAE per customer: BG/NBD {mae:.3f}, naive rate carried forward {naive_mae:.3f} (BG/NBD / naive = {mae / naive_mae:.3f})"
    )
    print("calibration repeats | customers | mean predicted | mean actual")
    bucket = summary["frequency"].clip(upper=BUCKETS[-1]).astype(int)
    for value in BUCKETS:
        rows = bucket == value
        if rows.any():
            label = f"{value}+" if value == BUCKETS[-1] else str(value)
            print(f"{label:>19} | {int(rows.sum()):>9,} | {predicted[rows].mean():>14.3f} | {actual[rows].mean():>11.3f}")
    return bgnbd, spend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-customers", type=int, default=8000)
    parser.add_argument("--demo-days", type=int, default=365)
    parser.add_argument("--demo-holdout-days", type=int, default=90)
    args = parser.parse_args()

    transactions = cdnow()
    bgnbd, spend = holdout_check(
        "CDNOW", transactions, calibration_end=pd.Timestamp("1997-09-30"), holdout_end=pd.Timestamp("1998-06-30"), unit_days=7
    )
    print("published (Fader, Hardie, Lee 2005):")
    print(
        "  " + "  ".join(f"{k}={v} (ours {getattr(bgnbd, k):.3f})" for k, v in PUBLISHED_BGNBD.items()) + f"  LL={PUBLISHED_LL}"
    )
    print("  " + "  ".join(f"{k}={v} (ours {getattr(spend, k):.3f})" for k, v in PUBLISHED_GG.items()))

    from ml.simulate.config import SimulationConfig
    from ml.simulate.marketplace import simulate

    started = time.perf_counter()
    market = simulate(SimulationConfig(end=date(2026, 12, 1), customers=args.demo_customers, days=args.demo_days, seed=7))
    orders = market.orders[~market.orders["status"].isin(["cancelled", "refunded"])]
    demo = pd.DataFrame(
        {"customer_id": orders["customer"], "date": orders["placed_at"].dt.tz_localize(None), "value": orders["total"]}
    )
    took = time.perf_counter() - started
    print(f"\n(simulated {args.demo_customers:,} shoppers over {args.demo_days} days in {took:.1f}s: {len(demo):,} orders)")
    end = demo["date"].max().normalize()
    calibration_end = end - pd.Timedelta(days=args.demo_holdout_days)
    holdout_check("demo marketplace", demo, calibration_end=calibration_end, holdout_end=end, unit_days=1)
    summary = clv.summary_from_transactions(demo, end=end)
    reason = clv.enough_history(summary, history_days=(end - demo["date"].min()).days)
    print(f"portal on the whole demo year: {'CLV shown' if reason is None else 'not enough data yet: ' + reason}")


if __name__ == "__main__":
    main()
