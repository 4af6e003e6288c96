"""Create an API token for a user and print it (the only time the raw value is shown)."""
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Create a bearer token for --user and print it."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the token's owner")
        parser.add_argument("--name", default="default", help="label to recognise the token later")

    def handle(self, *args, user: str, name: str, **options):
        try:
            owner = User.objects.get(username=user)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {user!r}.") from exc
        _, raw = ApiToken.issue(user=owner, name=name)
        self.stdout.write(raw)
