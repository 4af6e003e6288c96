"""Alert recommendations: behavioural features of shoppers, heuristic labels, and a cosine KNN
that suggests the alert types similar shoppers turned on (framework-free)."""
