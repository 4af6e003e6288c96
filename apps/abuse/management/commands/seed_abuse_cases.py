"""Plant the demo's collusion rings and scalper group, then run detection so the pages show them."""
from django.core.management.base import BaseCommand, CommandError

from apps.abuse.demo import abuse_cases_plant
from apps.abuse.tasks import detect_task


class Command(BaseCommand):
    help = "Plant two collusion rings and a scalper group into the demo data (idempotent) and detect them."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=11)

    def handle(self, *args, seed, **options):
        try:
            planted = abuse_cases_plant(seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Planted {planted.rings} rings and a scalper group of {planted.scalper_accounts} accounts "
            f"({planted.orders_created} new orders)."
        )
        for kind, summary in detect_task().items():
            self.stdout.write(f"{kind}: " + ", ".join(f"{key} {value}" for key, value in summary.items()))
