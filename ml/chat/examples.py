"""The labelled shopper messages shipped with the repo, and the held-out split every report uses.

The file is `data/intents.tsv` (intent, tab, message); docs/chat.md says how it was written.
The split is stratified and seeded so the bench, the tests and the trainer's model card all
score the same held-out messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import train_test_split

EXAMPLES_PATH = Path(__file__).resolve().parent / "data" / "intents.tsv"

INTENTS: tuple[str, ...] = (
    "greeting",
    "goodbye",
    "order_status",
    "shipping_info",
    "returns_refunds",
    "product_info",
    "customization_help",
    "complaint",
    "faq",
    "escalate_to_human",
    "out_of_scope",
)
OUT_OF_SCOPE = "out_of_scope"
HELD_OUT_FRACTION = 0.25
SPLIT_SEED = 20260


@dataclass(frozen=True)
class Examples:
    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)


def examples_load(path: Path = EXAMPLES_PATH) -> Examples:
    """Read the TSV; a line with an unknown intent is an error in the file, not something to skip."""
    texts, labels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        intent, _, text = line.partition("\t")
        if intent not in INTENTS or not text.strip():
            raise ValueError(f"{path.name}:{number}: expected '<intent>\\t<message>' with a known intent, got {line!r}")
        texts.append(text.strip())
        labels.append(intent)
    return Examples(texts, labels)


def held_out_split(
    examples: Examples, *, fraction: float = HELD_OUT_FRACTION, seed: int = SPLIT_SEED
) -> tuple[Examples, Examples]:
    """(train, held out), stratified by intent so every intent is scored."""
    train_x, test_x, train_y, test_y = train_test_split(
        examples.texts, examples.labels, test_size=fraction, random_state=seed, stratify=examples.labels
    )
    return Examples(list(train_x), list(train_y)), Examples(list(test_x), list(test_y))
