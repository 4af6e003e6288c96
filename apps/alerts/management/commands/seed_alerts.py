"""Demo alert preferences for the seeded shoppers (and the demo shopper login)."""
from django.core.management.base import BaseCommand

from apps.alerts.demo import demo_preferences_seed
from apps.alerts.models import AlertPreference
from apps.customers.models import Customer


class Command(BaseCommand):
    help = "Seed alert preferences that follow the demo shoppers' spending behaviour."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2)
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any alert preference exists")

    def handle(self, *args, seed, if_empty, **options):
        if if_empty and AlertPreference.objects.exists():
            self.stdout.write("Alert preferences exist already; nothing to do.")
            return
        shopper = Customer.objects.filter(user__username="shopper")
        created = demo_preferences_seed(seed=seed, always=shopper)
        shoppers = AlertPreference.objects.values("customer").distinct().count()
        self.stdout.write(f"Created {created:,} alert preferences for {shoppers:,} shoppers.")
