"""Review text intelligence: sentence and clause splitting, sentiment, aspects, topics, summaries, trends.

Framework-free (no Django): plain strings and frames in, dataclasses out.
"""
