"""Product auto-tagging: vocabulary matching and learnt classifiers over title and description."""
