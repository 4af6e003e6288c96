import pytest

from apps.risk import sources
from tests.risk import builders


@pytest.fixture
def fake_detector(monkeypatch):
    """A detector named "bots" whose signals the test plants (cleared after the test)."""
    monkeypatch.setitem(sources.SOURCES, "bots", "tests.risk.builders.planted_signals")
    builders.PLANTED.clear()
    yield builders.plant
    builders.PLANTED.clear()
