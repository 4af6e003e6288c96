"""Signals other capabilities listen to, so the events app never imports them.

`events_created` is sent after the transaction that wrote new events commits, with
`events=[Event, ...]` (replays are not included). Receivers update live state that must follow
a shopper's behaviour at once: recommendation session boosts and cache invalidation, experiment
attribution. A receiver must be quick (or hand work to Celery); it runs in the request.
"""
from django.dispatch import Signal

events_created = Signal()
