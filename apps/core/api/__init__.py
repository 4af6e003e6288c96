"""Building blocks shared by every app's API: error shapes for the schema, hardened fields, base views."""
