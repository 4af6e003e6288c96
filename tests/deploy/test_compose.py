"""compose.yaml parses and validates (Debian's docker-compose, no engine needed) and describes the deployment."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def _config(**env: str) -> subprocess.CompletedProcess:
    docker_compose = shutil.which("docker-compose")
    require_service(docker_compose is not None, "docker-compose (Debian package docker-compose)")
    return subprocess.run(
        [docker_compose, "-f", str(ROOT / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        timeout=60,
    )


def test_compose_file_is_valid_and_refuses_to_start_without_a_secret_key():
    assert _config().returncode != 0  # no SECRET_KEY: refused, never a default secret
    result = _config(SECRET_KEY="test-only")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"postgres", "redis", "web", "worker-realtime", "worker-training", "beat"}
    assert services["web"]["environment"]["SECRET_KEY"] == "test-only"
    assert "--workers" in services["web"]["command"]
    # Training has its own worker and queue, so real-time work never waits behind it.
    assert services["worker-training"]["command"][services["worker-training"]["command"].index("-Q") + 1] == "training"
    assert services["worker-realtime"]["command"][services["worker-realtime"]["command"].index("-Q") + 1] == "celery"


def test_dockerfile_runs_as_non_root_with_static_files_and_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER shopsignal" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/health" in dockerfile


def test_training_is_routed_to_its_own_queue():
    from django.conf import settings

    assert settings.CELERY_TASK_ROUTES["mlops.train"] == {"queue": "training"}
    from apps.mlops.tasks import train_task

    assert train_task.soft_time_limit == settings.CELERY_TRAINING_SOFT_TIME_LIMIT


def test_env_example_names_the_secret_key():
    assert "SECRET_KEY=" in (ROOT / ".env.example").read_text()
