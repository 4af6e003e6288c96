"""Collusion-ring detection: precision and recall on planted rings against a shared-card baseline,
and detection time, on synthetic marketplaces and (with --demo) on the demo database.

Synthetic worlds (ml.simulate.abuse.ring_world): genuine shoppers of a long-tailed set of shops,
households sharing a card or a device, shoppers behind NAT'd IPs, "fan" households who order
from and review one favourite shop, and planted rings of 2-6 accounts (sharing a card, a device,
or both). A found ring matches a planted one of the same seller when their buyers overlap by a
Jaccard of at least 0.5. The baseline groups buyers who share a card and reports every seller
two of them bought from (no scoring). Seeds differ from those the weights were set on.

    .venv/bin/python bench/abuse.py [--seeds 101 102 103 104 105] [--buyers 3000] [--demo]

--demo times the stored-data path (queries + graph + scoring + writes) on DATABASE_URL's data,
after `make demo` and `manage.py seed_abuse_cases`.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml.risk.rings import RingParams, detect_rings, ring_matches, shared_card_baseline  # noqa: E402
from ml.simulate.abuse import ring_world  # noqa: E402

THRESHOLDS = (0.55, 0.65, 0.75)


def synthetic(seeds: list[int], buyers: int) -> None:
    totals: dict[str, list[dict]] = {"baseline": [], **{f"scored@{t:.2f}": [] for t in THRESHOLDS}}
    times: dict[str, list[float]] = {"baseline": [], "scored": []}
    for seed in seeds:
        world = ring_world(seed=seed, buyers=buyers, sellers=30, rings=12)
        truth = [(ring.seller_id, ring.buyer_ids) for ring in world.rings]
        start = time.perf_counter()
        baseline = shared_card_baseline(world.orders, world.identities)
        times["baseline"].append(time.perf_counter() - start)
        totals["baseline"].append(ring_matches(baseline, truth))
        for threshold in THRESHOLDS:
            start = time.perf_counter()
            found = detect_rings(world.orders, world.identities, world.reviews, params=RingParams(threshold=threshold))
            if threshold == RingParams().threshold:
                times["scored"].append(time.perf_counter() - start)
            totals[f"scored@{threshold:.2f}"].append(ring_matches([(r.seller_id, r.buyer_ids) for r in found], truth))
        print(f"seed {seed}: {len(world.orders):,} orders, {buyers:,} genuine buyers, {len(truth)} planted rings", flush=True)
    print(f"\nring-level precision / recall, mean over {len(seeds)} worlds (default threshold {RingParams().threshold}):")
    base = {key: np.mean([m[key] for m in totals["baseline"]]) for key in ("precision", "recall", "found")}
    for name, matches in totals.items():
        precision = np.mean([m["precision"] for m in matches])
        recall = np.mean([m["recall"] for m in matches])
        found = np.mean([m["found"] for m in matches])
        ratio = ""
        if name != "baseline":
            ratio = f"  ({precision / base['precision']:.1f}x baseline precision, {recall / base['recall']:.2f}x recall)"
        print(f"  {name:<14} precision {precision:.2f}  recall {recall:.2f}  rings reported {found:5.1f}{ratio}")
    scored, card = np.median(times["scored"]), np.median(times["baseline"])
    print(f"\ndetection time per world (median): scored {scored * 1e3:.0f} ms, shared-card baseline {card * 1e3:.0f} ms "
          f"({scored / card:.1f}x); 2 shared cores, noisy")


def demo() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from apps.abuse import conf
    from apps.abuse.models import RingMember
    from apps.abuse.selectors import ring_frames
    from apps.abuse.services import rings_detect, scalping_detect
    from apps.orders.models import Payment

    start = time.perf_counter()
    frames = ring_frames(since=timezone.now() - timedelta(days=conf.ring_window_days()))
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    detect_rings(frames.orders, frames.identities, frames.reviews, params=conf.ring_params())
    scored = time.perf_counter() - start
    start = time.perf_counter()
    baseline = shared_card_baseline(frames.orders, frames.identities)
    card = time.perf_counter() - start
    start = time.perf_counter()
    summary = rings_detect()
    whole = time.perf_counter() - start
    start = time.perf_counter()
    scalping = scalping_detect()
    scalping_time = time.perf_counter() - start
    print(f"demo data: {len(frames.orders):,} orders, {frames.identities['buyer_id'].nunique():,} paying buyers, "
          f"{len(frames.reviews):,} reviews in the window")
    print(f"rings: load {loaded:.2f} s, graph+scoring {scored * 1e3:.0f} ms (shared-card baseline {card * 1e3:.0f} ms), "
          f"whole rings_detect with writes {whole:.2f} s; {summary.rings} rings, baseline reports {len(baseline)} groups")
    buyers = RingMember.objects.filter(ring__active=True, kind="buyer")
    planted = buyers.filter(customer__external_id__startswith="ABUSE-RING").values("ring").distinct().count()
    others = buyers.exclude(customer__external_id__startswith="ABUSE-").values("customer")
    labelled = Payment.objects.filter(customer__in=others, is_fraud=True).values("customer").distinct().count()
    print(f"  of them {planted} are the planted demo rings; the other rings' buyers with payments labelled fraud "
          f"by the simulator: {labelled}")
    print(f"scalping: {scalping_time:.2f} s for {scalping.candidates} candidates, {scalping.flagged} flagged "
          f"({scalping.source}); 2 shared cores, noisy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103, 104, 105])
    parser.add_argument("--buyers", type=int, default=3000)
    parser.add_argument("--demo", action="store_true", help="also time detection on the demo database")
    args = parser.parse_args()
    synthetic(args.seeds, args.buyers)
    if args.demo:
        print()
        demo()


if __name__ == "__main__":
    main()
