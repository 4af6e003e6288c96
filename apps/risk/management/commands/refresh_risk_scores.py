"""`manage.py refresh_risk_scores [--merchant SLUG ...]`: recompute risk scores now (beat does it nightly)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from apps.merchants.models import Merchant
from apps.risk.services import risk_scores_refresh


class Command(BaseCommand):
    help = "Recompute customer and seller risk scores from the detectors' current signals."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--merchant", action="append", default=[], help="only this merchant (slug); repeatable")

    def handle(self, *args, merchant: list[str], **options) -> None:
        merchants = Merchant.objects.order_by("pk")
        if merchant:
            merchants = merchants.filter(slug__in=merchant)
            unknown = set(merchant) - set(merchants.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"unknown merchant(s): {', '.join(sorted(unknown))}")
        totals = {"customers": 0, "sellers": 0, "high": 0}
        for merchant_id in tqdm(list(merchants.values_list("pk", flat=True)), desc="risk scores", unit="shop"):
            summary = risk_scores_refresh(merchant_ids=[merchant_id])
            for key in totals:
                totals[key] += getattr(summary, key)
        self.stdout.write(
            f"Risk scores: {totals['customers']} customers and {totals['sellers']} sellers scored, {totals['high']} high."
        )
