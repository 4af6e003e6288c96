"""Hu and Liu's Amazon product-review sentences with human sentiment scores, read from the vaderSentiment sdist.

The sdist (`pip download vaderSentiment==3.3.2 --no-deps --no-binary :all:`) ships
additional_resources/hutto_ICWSM_2014.tar.gz, whose amazonReviewSnippets_GroundTruth.txt holds
3,708 sentences of 309 reviews (tab-separated "review_sentence" id, mean rating on -4..+4, text;
latin-1). Reading stays in memory: nothing is unpacked on disk.
"""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pandas as pd

from ml.text.sentiment import label_for

INNER_ARCHIVE = "additional_resources/hutto_ICWSM_2014.tar.gz"
GROUND_TRUTH = "amazonReviewSnippets_GroundTruth.txt"


def hu_liu_sentences(sdist: Path) -> pd.DataFrame:
    """Columns: review (id of the source review, for grouped splits), score (-4..+4), text, label.

    The label uses VADER's ±0.05 band on the raters' mean, as the published evaluation does.
    """
    with tarfile.open(sdist) as outer:
        member = next(m for m in outer.getmembers() if m.name.endswith(INNER_ARCHIVE))
        inner_bytes = outer.extractfile(member).read()
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        member = next(m for m in inner.getmembers() if m.name.endswith(GROUND_TRUTH))
        raw = inner.extractfile(member).read().decode("latin-1")
    rows = []
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].strip():
            rows.append((parts[0].split("_")[0], float(parts[1]), parts[2].strip()))
    frame = pd.DataFrame(rows, columns=["review", "score", "text"])
    frame["label"] = [label_for(score) for score in frame["score"]]
    return frame
