"""Say whether PostgreSQL, Redis, the channel layer and a Celery worker are reachable, as /ready sees them."""
import json

from django.core.management.base import BaseCommand

from apps.core.health import readiness_report


class Command(BaseCommand):
    help = "Report database, Redis, channel layer, Celery and model status; exit 1 when a critical service is down."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the raw JSON report")

    def handle(self, *args, as_json: bool = False, **options):
        report, status = readiness_report()
        if as_json:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for name, check in report["checks"].items():
                mark = self.style.SUCCESS("ok  ") if check["ok"] else self.style.ERROR("DOWN")
                details = {k: v for k, v in check.items() if k != "ok"}
                self.stdout.write(f"{mark} {name:<13} {details}")
            self.stdout.write(f"overall: {report['status']}")
        if status != 200:
            raise SystemExit(1)
