"""Create an API token for a user and print it (the only time the raw value is shown)."""
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiToken, User
from apps.accounts.scopes import ALL_SCOPES, SCOPE_HELP, parse_scopes


class Command(BaseCommand):
    help = "Create a bearer token for --user and print it."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the token's owner")
        parser.add_argument("--name", default="default", help="label to recognise the token later")
        parser.add_argument(
            "--scopes",
            default=",".join(ALL_SCOPES),
            help="comma-separated, default all. " + "; ".join(f"{name}: {text}" for name, text in SCOPE_HELP.items()),
        )

    def handle(self, *args, user: str, name: str, scopes: str, **options):
        try:
            owner = User.objects.get(username=user)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {user!r}.") from exc
        try:
            chosen = parse_scopes(scopes)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        _, raw = ApiToken.issue(user=owner, name=name, scopes=chosen)
        self.stdout.write(raw)
