"""Two analysts claiming the same case at the same moment: exactly one may win.

The real race needs a database that runs transactions concurrently (PostgreSQL); SQLite
serialises writers, so there the same guarantee is checked sequentially in test_cases_services."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from apps.accounts.models import User
from apps.fraud.cases import CaseConflict, case_claim
from apps.fraud.models import ReviewCase
from tests import factories
from tests.conftest import require_service
from tests.fraud.case_factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    require_service(settings.USING_POSTGRES, "PostgreSQL (DATABASE_URL)")


def _claim_in_thread(case_id: int, user: User, start: threading.Barrier, outcomes: list, hold_seconds: float = 0.0) -> None:
    try:
        start.wait(timeout=10)
        with transaction.atomic():
            case_claim(case=ReviewCase.objects.get(pk=case_id), actor=user)
            # keep the winner's transaction open a moment, so the loser's UPDATE really waits on its row lock
            threading.Event().wait(hold_seconds)
        outcomes.append(("won", user.username))
    except CaseConflict:
        outcomes.append(("lost", user.username))
    finally:
        connection.close()


def test_concurrent_claims_have_exactly_one_winner(postgres, merchant_a):
    analysts = [factories.UserFactory(username=f"racer{i}", role=User.Role.FRAUD_ANALYST) for i in range(4)]
    for _ in range(3):
        case = make_case(merchant_a)
        start = threading.Barrier(len(analysts))
        outcomes: list[tuple[str, str]] = []
        threads = [threading.Thread(target=_claim_in_thread, args=(case.pk, user, start, outcomes, 0.2)) for user in analysts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        winners = [name for result, name in outcomes if result == "won"]
        assert len(outcomes) == len(analysts)
        assert len(winners) == 1
        case.refresh_from_db()
        assert case.assignee.username == winners[0]
        assert case.events.filter(action="claimed").count() == 1
