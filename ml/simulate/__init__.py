"""A deterministic, framework-free simulator of the demo marketplace (numpy, pandas, Faker).

`ml.simulate.marketplace.simulate(SimulationConfig(...))` returns every table as a DataFrame;
the same seed and end date always give the same rows.
"""
