"""Why a whole import is refused before any row is read (the command exits non-zero)."""


class ImportRefused(Exception):
    """Missing file, unknown kind, or a header without the required columns."""
