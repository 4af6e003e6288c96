"""A trainer for the worker-kill test: reports progress, writes its pid, then holds until released.

The worker subprocess (tests/faults/training_worker.py) registers it in the TRAINERS registry
under FAULT_MODEL; it goes through the real pipeline (run progress, model_register), so a killed
and redelivered run behaves as a real model's would.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from apps.mlops.pipeline import ProgressReporter, TrainingOptions, TrainingOutcome
from apps.mlops.services import ModelCard, model_register

FAULT_MODEL = "fault_slow"
HOLD_ENV = "FAULT_TRAINER_DIR"
"""A directory: the trainer writes `pid-<n>` there and waits while `hold` exists in it."""


def slow_train(*, options: TrainingOptions, report: ProgressReporter) -> TrainingOutcome:
    folder = Path(os.environ[HOLD_ENV])
    attempt = len(list(folder.glob("pid-*"))) + 1
    (folder / f"pid-{attempt}").write_text(str(os.getpid()))
    report(0.3, f"attempt {attempt}: holding")
    while (folder / "hold").exists():
        time.sleep(0.1)
    card = ModelCard(
        metrics={"attempt": attempt}, parameters={}, features=["x"], data_start=None, data_end=None, row_counts={"rows": 1}
    )
    version = model_register(name=FAULT_MODEL, obj={"attempt": attempt}, card=card, trained_by=options.actor)
    report(0.95, f"registered {version}")
    return TrainingOutcome(version=version, promoted=False, promotion_reason="fault test: never promoted")
