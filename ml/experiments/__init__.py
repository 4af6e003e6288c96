"""A/B experiment mathematics without Django: bucketing units into variants, and the statistics
of the results page (intervals, tests, lift, sample sizes)."""
