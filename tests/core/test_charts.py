"""The line chart behind every trend, a practitioner's own and the leads' summaries alike: worked examples."""

from assessments.core.charts import line_chart
from assessments.core.scoring import HIGH_FROM, LOW_BELOW

LABELS = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026"]


def test_a_chart_puts_higher_scores_higher_and_shades_the_end_worth_a_look():
    chart = line_chart([20.0, 80.0], "pressure", labels=LABELS[:2])
    low, high = chart.points
    assert high.y < low.y and high.x > low.x
    assert chart.band_y < low.y  # pressure: the high end is shaded
    resource = line_chart([50.0], "resource", labels=LABELS[:1])
    assert resource.band_y > resource.points[0].y  # resource: the low end is shaded
    assert resource.points[0].x == resource.left + (resource.right - resource.left) / 2


def test_the_shaded_band_covers_exactly_the_concerning_end_of_the_scale():
    pressure = line_chart([HIGH_FROM, 100.0], "pressure", labels=LABELS[:2])
    assert (pressure.band_y, pressure.band_y + pressure.band_height) == (pressure.points[1].y, pressure.points[0].y)
    resource = line_chart([0.0, LOW_BELOW], "resource", labels=LABELS[:2])
    assert (resource.band_y, resource.band_y + resource.band_height) == (resource.points[1].y, resource.points[0].y)


def test_a_missing_score_leaves_a_gap_rather_than_a_zero():
    chart = line_chart([None, 40.0], "resource", labels=LABELS[:2])
    assert len(chart.points) == 1 and chart.points[0].score == 40.0
    assert chart.segments == []  # a lone point is a dot, with no line to draw


def test_a_missing_score_breaks_the_line_and_a_lone_score_between_gaps_is_a_dot():
    chart = line_chart([10.0, 20.0, None, 30.0, None], "resource", labels=LABELS)
    assert [p.score for p in chart.points] == [10.0, 20.0, 30.0]
    assert len(chart.segments) == 1
    first, second, lone = chart.points
    assert chart.segments[0] == f"{first.x},{first.y} {second.x},{second.y}"
    assert f"{lone.x}," not in chart.segments[0]


def test_points_keep_their_place_in_time_across_a_gap():
    chart = line_chart([10.0, None, 30.0], "pressure", labels=LABELS[:3])
    assert [p.x for p in chart.points] == [chart.left, chart.right]


def test_the_axis_names_the_first_and_last_moments_and_each_point_says_when_it_was():
    chart = line_chart(
        [10.0, 20.0, 30.0], "pressure", labels=["1 Jan 26", "1 Feb 26", "1 Mar 26"], titles=["a", "b", "c"]
    )
    assert [(label.text, label.anchor) for label in chart.x_labels] == [("1 Jan 26", "start"), ("1 Mar 26", "end")]
    assert [p.label for p in chart.points] == ["a", "b", "c"]
    one = line_chart([10.0], "pressure", labels=["1 Jan 26"])
    assert [(label.text, label.anchor) for label in one.x_labels] == [("1 Jan 26", "middle")]
    assert one.points[0].label == "1 Jan 26"  # without titles, the tooltip uses the label
    assert line_chart([], "pressure", labels=[]).x_labels == []


def test_the_labels_stay_readable_on_a_phone():
    # A phone 390 px wide shows the chart at about its own width: 12-unit text or more stays 12 px or more.
    chart = line_chart([10.0, 20.0], "pressure", labels=LABELS[:2])
    assert 340 <= chart.width <= 400
    assert chart.font_size >= 12
    assert chart.font_size * 340 / chart.width >= 12  # even in a 340 px column once the page's margins are off
