"""Marketplace risk models (bots, scalping, collusion rings, fair price): the maths, framework-free."""
