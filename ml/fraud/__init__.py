"""Fraud scoring: transaction features, the model and the analysts' rules language."""
