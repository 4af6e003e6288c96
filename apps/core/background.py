"""Reloading a per-process copy in a background thread while requests keep using the current one.

A scoring process keeps copies it reloads now and then (labelled payments, the scoring
configuration). Reloaded inside a request, the reload (tens to hundreds of ms) lands in that
request's latency and, through the GIL, in every request the process is serving meanwhile. Here
the reload runs in a daemon thread, at most one at a time per copy, and closes the database
connections it opened when it ends.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)


class BackgroundReload:
    def __init__(self, name: str, load: Callable[[], object]) -> None:
        self.name = name
        self._load = load
        self._running = threading.Event()

    def start(self) -> None:
        """Start a reload unless one is already running."""
        if self._running.is_set():
            return
        self._running.set()
        threading.Thread(target=self._run, daemon=True, name=self.name).start()

    def _run(self) -> None:
        try:
            self._load()
        except Exception:  # the current copy stays in use; the next call tries again
            logger.exception("background reload %s failed", self.name)
        finally:
            self._running.clear()
            connections.close_all()
