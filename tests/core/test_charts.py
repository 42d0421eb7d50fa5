"""The line chart behind every trend, a practitioner's own and the leads' summaries alike: worked examples."""

from django.template import Context, Template
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

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


# The template that drew the line chart until its markup moved into Python (templatetags/charts.py), verbatim: the
# tag must write what it wrote, for any chart.
TEMPLATE_IT_REPLACED = """{% load i18n %}{# One 0-100 line over time (core/charts.py line_chart); the page puts a table of the same figures next to it. #}
<svg class="trend-chart" viewBox="0 0 {{ chart.width }} {{ chart.height }}" font-size="{{ chart.font_size }}" role="img" aria-labelledby="{{ chart_id }}-title">
  <title id="{{ chart_id }}-title">{{ chart_title }}</title>
  <rect class="trend-band" x="{{ chart.left }}" y="{{ chart.band_y|stringformat:'s' }}" width="{{ chart.plot_width }}" height="{{ chart.band_height|stringformat:'s' }}"></rect>
  {% for value, y in chart.gridlines %}
    <line class="trend-grid" x1="{{ chart.left }}" x2="{{ chart.right }}" y1="{{ y|stringformat:'s' }}" y2="{{ y|stringformat:'s' }}"></line>
    <text x="{{ chart.label_x }}" y="{{ y|stringformat:'s' }}" dy="5" text-anchor="end">{{ value }}</text>
  {% endfor %}
  {% for points in chart.segments %}<polyline class="trend-line trend-{{ chart.direction }}" points="{{ points }}"></polyline>{% endfor %}
  {% for p in chart.points %}
    <circle class="trend-point trend-{{ chart.direction }}" cx="{{ p.x|stringformat:'s' }}" cy="{{ p.y|stringformat:'s' }}" r="4.5"><title>{{ p.label }}: {{ p.score|floatformat:0 }} / 100</title></circle>
  {% endfor %}
  {% for label in chart.x_labels %}
    <text x="{{ label.x|stringformat:'s' }}" y="{{ chart.baseline_y }}" text-anchor="{{ label.anchor }}">{{ label.text }}</text>
  {% endfor %}
</svg>
"""  # noqa: E501


@settings(max_examples=150, deadline=None)
@given(
    scores=st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), max_size=14),
    direction=st.sampled_from(["pressure", "resource"]),
    text=st.sampled_from(["Mar 2026", '<b>"Q1" & more</b>', "1 Jan 26"]),
    title=st.sampled_from(["Trend of Support.", mark_safe("Trend of <i>it</i>"), "Tom & Jerry's <trend>"]),
)
def test_the_chart_tag_writes_exactly_what_the_template_it_replaced_wrote(scores, direction, text, title):
    chart = line_chart(scores, direction, labels=[f"{text} {i}" for i in range(len(scores))])
    context = {"chart": chart, "chart_id": "trend-systemic_pressures", "chart_title": title}
    expected = Template(TEMPLATE_IT_REPLACED).render(Context(context))
    tag = "{% load charts %}{% line_chart_svg chart chart_id chart_title %}"
    assert Template(tag).render(Context(context)) == expected
