"""A practitioner's own trends across their check-ins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from assessments.http import AuthenticatedHttpRequest
from assessments.practitioner.moves import moves_of
from assessments.practitioner.trends import frequency_trend, trends_for


@login_required
def trends(request: AuthenticatedHttpRequest) -> HttpResponse:
    checkins, phase_trends = trends_for(request.user)
    moves = list(moves_of(request.user))
    sections = [
        (trend, [(series, [m for m in moves if m.dimension == series.slug]) for series in trend.dimension_series])
        for trend in phase_trends
    ]
    context = {"checkins": checkins, "sections": sections, "frequencies": frequency_trend(checkins), "moves": moves}
    return render(request, "assessments/practitioner/trends.html", context)
