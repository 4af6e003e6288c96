from datetime import UTC, datetime, timedelta

import pandas as pd

from ml.text.trends import negative_share_alerts, sentiment_series


def _rows(weeks_negative: list[int], per_week: int = 10, group: str = "all") -> pd.DataFrame:
    start = datetime(2026, 1, 5, 12, tzinfo=UTC)  # a Monday
    rows = []
    for week, negative in enumerate(weeks_negative):
        for i in range(per_week):
            rows.append({"group": group, "timestamp": start + timedelta(weeks=week, hours=i),
                         "sentiment": "negative" if i < negative else "positive"})
    return pd.DataFrame(rows)


def test_series_counts_and_shares_per_week_with_gaps_filled():
    frame = pd.concat([_rows([1]), _rows([3]).assign(timestamp=lambda f: f["timestamp"] + timedelta(weeks=2))])
    series = sentiment_series(frame)
    assert series["reviews"].tolist() == [10, 0, 10]
    assert series["negative_share"].tolist()[0] == 0.1 and pd.isna(series["negative_share"].tolist()[1])
    assert series["period"].iloc[0] == pd.Timestamp("2026-01-05")


def test_rising_negative_share_raises_an_alert_for_that_group_only():
    steady = [1, 2, 1, 2, 1, 2, 1, 2, 1]
    frame = pd.concat([_rows(steady + [7], group="aspect: delivery"), _rows(steady + [2], group="aspect: price")])
    alerts = negative_share_alerts(sentiment_series(frame))
    assert [(a.group, a.negative_share) for a in alerts] == [("aspect: delivery", 0.7)]
    assert alerts[0].upper_band < 0.7 and alerts[0].reviews == 10


def test_quiet_weeks_do_not_alert():
    alerts = negative_share_alerts(sentiment_series(_rows([0, 0, 0, 0, 0, 0, 0, 0, 3], per_week=3)))
    assert alerts == []


def test_empty_input():
    assert sentiment_series(pd.DataFrame(columns=["group", "timestamp", "sentiment"])).empty
