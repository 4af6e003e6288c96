"""`python -m tests.faults.training_worker`: a real prefork Celery worker on the training queue that
also knows the fault test's slow trainer (TRAINERS is the registry every trainer is found in)."""
import django

django.setup()

from apps.mlops.pipeline import TRAINERS  # noqa: E402
from config.celery import app  # noqa: E402
from tests.faults.slow_trainer import FAULT_MODEL  # noqa: E402

TRAINERS[FAULT_MODEL] = "tests.faults.slow_trainer.slow_train"

if __name__ == "__main__":
    app.worker_main(["worker", "-Q", "training", "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
                     "--without-heartbeat", "--without-mingle", "--without-gossip"])
