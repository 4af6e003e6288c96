"""Run scalping and ring detection now (beat runs it nightly)."""
from django.core.management.base import BaseCommand

from apps.abuse.tasks import DETECTORS, detect_task


class Command(BaseCommand):
    help = "Detect scalping (feeding the fraud queue) and collusion rings over the stored orders now."

    def add_arguments(self, parser):
        parser.add_argument("--kinds", nargs="+", choices=list(DETECTORS), help="detectors to run (default: all)")

    def handle(self, *args, kinds, **options):
        for kind, summary in detect_task(kinds).items():
            figures = ", ".join(f"{key} {value}" for key, value in summary.items())
            self.stdout.write(f"{kind}: {figures}")
