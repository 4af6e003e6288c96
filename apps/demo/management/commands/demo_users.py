"""Create one demo login per role and print who sees what.

The passwords are public (they are printed), so the command refuses to run unless DEBUG is
on, or --force says the operator really means it.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.demo.services import DemoDataMissing, demo_users_ensure


class Command(BaseCommand):
    help = "Idempotently create demo logins (admin, analyst, agent, two merchant owners, a shopper) and print them."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="run even when DEBUG is off (creates logins with well-known passwords)")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "demo_users creates logins with well-known demo passwords; refusing because DEBUG is off. "
                "Pass --force if this really is a demo environment."
            )
        try:
            logins = demo_users_ensure()
        except DemoDataMissing as exc:
            raise CommandError(str(exc)) from exc
        rows = [("role", "username", "password", "what they see")]
        rows += [(login.role, login.username, login.password, login.sees) for login in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
        self.stdout.write(self.style.WARNING("Demo-only passwords: never use these logins outside a demo."))
