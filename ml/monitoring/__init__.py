"""Framework-free model monitoring: drift of features and scores against a training reference."""
