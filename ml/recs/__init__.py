"""Hybrid product recommendations: interaction data, candidate sources, the blender and its evaluation.

Framework-free (numpy, scipy, scikit-learn): the Django app `apps.recommendations` loads data,
trains through the mlops pipeline and serves; everything here takes arrays and frames.
"""
