from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.fraud import charts, overview_selectors
from apps.fraud.cases import case_claim
from apps.fraud.models import ReviewCase
from apps.fraud.overview_selectors import DecisionsOnDay, QueueAge, WeeklyQuality
from tests.fraud.case_factories import make_assessment, make_case


def test_decisions_figure_stacks_one_trace_per_decision():
    figure = charts.decisions_figure([DecisionsOnDay(date(2025, 3, 1), 10, 2, 1), DecisionsOnDay(date(2025, 3, 2), 7, 0, 3)])
    assert [trace.name for trace in figure.data] == ["Approve", "Review", "Decline"]
    assert list(figure.data[2].y) == [1, 3] and list(figure.data[0].x) == ["2025-03-01", "2025-03-02"]
    assert figure.layout.barmode == "stack"


def test_score_distribution_labels_bins_by_centre():
    counts = [0] * overview_selectors.SCORE_BINS
    counts[-1] = 4
    [trace] = charts.score_distribution_figure(counts).data
    assert trace.x[0] == pytest.approx(0.025) and trace.x[-1] == pytest.approx(0.975)
    assert list(trace.y) == counts


def test_queue_age_figure_splits_waiting_and_claimed():
    figure = charts.queue_age_figure([QueueAge("0–1 h", 3, 1), QueueAge("> 72 h", 0, 2)])
    assert [(t.name, list(t.y)) for t in figure.data] == [("Waiting", [3, 0]), ("Claimed", [1, 2])]


def test_quality_figure_keeps_gaps_for_undefined_weeks():
    figure = charts.quality_figure(
        [WeeklyQuality(date(2025, 3, 3), 0.8, None, 10), WeeklyQuality(date(2025, 3, 10), None, 0.5, 4)]
    )
    precision, recall = figure.data
    assert list(precision.y) == [0.8, None] and list(recall.y) == [None, 0.5]
    assert list(precision.customdata) == [10, 4]


def test_top_rules_figure_puts_the_most_frequent_on_top():
    [trace] = charts.top_rules_figure([("VELOCITY_BREACH", 9), ("UNUSUAL_AMOUNT", 3)]).data
    assert list(trace.y) == ["VELOCITY_BREACH", "UNUSUAL_AMOUNT"] and list(trace.x) == [9, 3]
    assert trace.orientation == "h"


@pytest.mark.django_db
def test_overview_selectors_aggregate_the_users_merchants(merchant_a, merchant_b, analyst, staff_a):
    since = timezone.now() - timedelta(days=30)
    make_case(merchant_a, score=0.97, flags=["VELOCITY_BREACH", "UNUSUAL_AMOUNT"], is_fraud=True)
    claimed = make_case(merchant_a, score=0.6, flags=["VELOCITY_BREACH"], is_fraud=False)
    case_claim(case=claimed, actor=analyst)
    ReviewCase.objects.filter(pk=claimed.pk).update(created_at=timezone.now() - timedelta(hours=30))
    make_assessment(merchant_a, score=0.1, decision="approve", flags=[], is_fraud=True)
    make_case(merchant_b, score=0.7)

    [day] = overview_selectors.decisions_per_day(user=staff_a, since=since)
    assert (day.approve, day.review, day.decline) == (1, 2, 0)
    histogram = overview_selectors.score_histogram(user=staff_a, since=since)
    assert sum(histogram) == 3 and histogram[-1] == 1 and histogram[2] == 1
    ages = {age.label: (age.waiting, age.claimed) for age in overview_selectors.queue_ages(user=staff_a)}
    assert ages["0–1 h"] == (1, 0) and ages["24–72 h"] == (0, 1)
    [week] = overview_selectors.weekly_quality(user=staff_a, since=since)
    # flagged: the two review cases (one fraud); frauds: the flagged one and the approved one
    assert (week.precision, week.recall, week.labelled) == (0.5, 0.5, 3)
    assert overview_selectors.top_rules(user=staff_a, since=since) == [("VELOCITY_BREACH", 2), ("UNUSUAL_AMOUNT", 1)]
    assert sum(overview_selectors.score_histogram(user=analyst, since=since)) == 4
