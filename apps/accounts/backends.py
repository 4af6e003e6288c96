"""The sign-in lockout backend (django-axes) for ShopSignal's sign-in paths."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username/address before any password is checked.

    django-axes insists on the request; the login view and the admin always pass it. A call
    without one (the test client's `login()`, a shell) is not reachable from the network, so it
    is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
