"""Framework-free maths for ShopSignal: pandas/numpy/scikit-learn in, plain results out. Never import Django here."""
