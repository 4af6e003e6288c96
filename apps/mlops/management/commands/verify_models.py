"""`manage.py verify_models`: after a restore (or any time), check that every registered artifact is there and intact.

A database restored without its artifact store (or from a different point in time) leaves
ModelVersion rows whose files are missing or differ. Serving already refuses such an artifact
and degrades (docs/models.md), but an operator wants to know before traffic does. This reads each
artifact through the same storage API and compares its SHA-256 with the registry's; it never
unpickles anything. Exit status 1 when a production or staging (canary) version is broken: those
are the ones serving.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.mlops.artifacts import sha256
from apps.mlops.models import ModelVersion, Stage

SERVING = {Stage.PRODUCTION, Stage.STAGING}


def artifact_status(version: ModelVersion) -> str:
    """Whether one version's stored bytes are "ok", "missing" or a "checksum mismatch"."""
    if not version.artifact or not version.artifact.storage.exists(version.artifact.name):
        return "missing"
    with version.artifact.open("rb") as handle:
        return "ok" if sha256(handle.read()) == version.checksum else "checksum mismatch"


class Command(BaseCommand):
    help = "Check every model artifact against its recorded SHA-256 (exit 1 if a serving version is broken)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--serving", action="store_true", help="Only production and staging (canary) versions.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar on stderr.")

    def handle(self, *args, **options) -> None:
        versions = ModelVersion.objects.order_by("name", "version")
        if options["serving"]:
            versions = versions.filter(stage__in=SERVING)
        rows = [(v, artifact_status(v)) for v in tqdm(list(versions), desc="artifacts", disable=options["no_progress"])]
        for version, status in rows:
            self.stdout.write(f"{version.name:<18} v{version.version:<4} {version.stage:<10} {status}")
        broken = [(v, s) for v, s in rows if s != "ok"]
        serving = [f"{v.name} v{v.version} ({s})" for v, s in broken if v.stage in SERVING]
        self.stdout.write(f"{len(rows)} artifacts checked, {len(broken)} broken")
        if serving:
            raise CommandError("serving versions with broken artifacts: " + ", ".join(serving))
