"""Storing and loading model artifacts through Django's storage API, verified by checksum.

Artifacts are joblib pickles, which execute code when loaded; the registry's SHA-256 is checked
before unpickling, so only bytes this service wrote itself are ever loaded.
"""
from __future__ import annotations

import hashlib
import io
from typing import Any

import joblib
from django.core.files.base import ContentFile


class ArtifactIntegrityError(Exception):
    """The stored bytes do not match the checksum recorded at registration."""


def dump_bytes(obj: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer, compress=3)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def as_content_file(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


def load_verified(field_file, expected_checksum: str) -> Any:
    with field_file.open("rb") as handle:
        data = handle.read()
    actual = sha256(data)
    if actual != expected_checksum:
        raise ArtifactIntegrityError(f"checksum mismatch: expected {expected_checksum[:12]}…, got {actual[:12]}…")
    return joblib.load(io.BytesIO(data))
