"""Serve the plotly.js bundle that ships inside the installed `plotly` package as a static file.

The portal must work offline and never load scripts from a CDN, and copying a 5 MB vendored
file into the repository would drift from the Python package's version. This finder exposes
`plotly/package_data/plotly.min.js` as `vendor/plotly.min.js`, so `runserver`, the test live
server, WhiteNoise and `collectstatic` all see it like any other static file.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
FILENAME = "plotly.min.js"
STATIC_PATH = f"{PREFIX}/{FILENAME}"


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source_dir = Path(plotly.__file__).resolve().parent / "package_data"
        self.storage = FileSystemStorage(location=self.source_dir)
        # collectstatic and WhiteNoise put a storage's files under its `prefix`.
        self.storage.prefix = PREFIX

    def check(self, **kwargs) -> list[Error]:
        if (self.source_dir / FILENAME).is_file():
            return []
        return [
            Error(
                f"{self.source_dir / FILENAME} is missing, so the dashboard charts cannot load.",
                hint="Reinstall the pinned `plotly` package from requirements.txt.",
                id="core.E001",
            )
        ]

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        """Like Django's finders: the absolute path, or a list of them with find_all; [] when absent."""
        find_all = self._check_deprecated_find_param(find_all=find_all, **kwargs)
        source = self.source_dir / FILENAME
        if path != STATIC_PATH or not source.is_file():
            return []
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        if (self.source_dir / FILENAME).is_file() and not matches_patterns(FILENAME, ignore_patterns or []):
            yield FILENAME, self.storage
