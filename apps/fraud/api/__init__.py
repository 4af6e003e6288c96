"""The fraud app's API: scoring, rules and lists, the review queue, risk settings and webhooks."""
