"""`verify_models` after a restore: missing and altered artifacts are found, a broken serving version fails the command."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.mlops.services import ModelCard, model_promote, model_register

pytestmark = pytest.mark.django_db

CARD = ModelCard(metrics={}, parameters={}, features=[], data_start=None, data_end=None, row_counts={})


def _run(*args: str) -> str:
    out = StringIO()
    call_command("verify_models", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_intact_missing_and_altered_artifacts_are_told_apart(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    intact = model_register(name="segments", obj={"k": 3}, card=CARD)
    gone = model_register(name="segments", obj={"k": 4}, card=CARD)
    altered = model_register(name="alerts", obj={"z": 1}, card=CARD)
    gone.artifact.storage.delete(gone.artifact.name)
    with altered.artifact.storage.open(altered.artifact.name, "wb") as handle:
        handle.write(b"not what was registered")
    report = _run()
    lines = {line.split()[0] + line.split()[1]: line for line in report.splitlines()[:-1]}
    assert lines[f"segmentsv{intact.version}"].endswith(" ok")
    assert lines[f"segmentsv{gone.version}"].endswith(" missing")
    assert lines[f"alertsv{altered.version}"].endswith(" checksum mismatch")
    assert report.splitlines()[-1] == "3 artifacts checked, 2 broken"  # none serving: exit status 0


def test_a_broken_production_artifact_fails_the_command(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = model_promote(version=model_register(name="segments", obj={"k": 3}, card=CARD))
    assert _run("--serving").splitlines()[-1] == "1 artifacts checked, 0 broken"
    version.artifact.storage.delete(version.artifact.name)
    with pytest.raises(CommandError, match=f"segments v{version.version} \\(missing\\)"):
        _run("--serving")
