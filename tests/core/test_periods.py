"""Calendar arithmetic for periods and retention: worked examples."""

from datetime import UTC, date, datetime

from assessments.core.periods import MONTH, QUARTER, Period, add_months, kept_since, trend_periods


def test_adding_months_crosses_years_both_ways():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 5, 15), 0) == date(2026, 5, 15)


def test_adding_months_clamps_the_day_to_the_months_length():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # a leap year
    assert add_months(date(2026, 5, 31), -1) == date(2026, 4, 30)


def test_periods_step_by_whole_months_and_quarters():
    march = Period(MONTH, date(2026, 3, 1))
    assert (march.previous().key, march.next().key, march.end) == ("2026-02", "2026-04", date(2026, 4, 1))
    q1 = Period(QUARTER, date(2026, 1, 1))
    assert (q1.previous().key, q1.next().key, q1.end) == ("2025-Q4", "2026-Q2", date(2026, 4, 1))
    assert [p.key for p in trend_periods(march, 3)] == ["2026-01", "2026-02", "2026-03"]


def test_what_is_kept_starts_retention_months_back_on_the_same_day(settings):
    settings.RETENTION_MONTHS = 6
    assert kept_since(date(2026, 8, 31)) == date(2026, 2, 28)
    assert kept_since(datetime(2026, 8, 31, 9, 30, tzinfo=UTC)) == datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
