"""Anonymised team and service summaries, on the page and as CSV."""

from __future__ import annotations

import io
from html import escape

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.core.anonymity import min_group_size, share_min_group_size
from assessments.core.charts import LineChart, line_chart
from assessments.core.periods import Period, current_period, latest_shown_period, parse_period
from assessments.core.scoring import HIGH_FROM, LOW_BELOW
from assessments.core.spreadsheet import csv_rows
from assessments.figures.summaries import (
    EXPORT_HEADER,
    OBSTACLE_HEADER,
    ORDERED_DIMENSIONS,
    STATEMENT_HEADER,
    Cell,
    FigureRow,
    PublishedTeam,
    ServiceFigures,
    export_rows,
    figure_rows,
    obstacle_export_rows,
    statement_export_rows,
    summary_withholds,
    voices_published,
)
from assessments.http import AuthenticatedHttpRequest
from assessments.leads.access import (
    get_summary_service,
    get_summary_service_and_actions,
    get_summary_team,
    get_summary_team_and_actions,
    is_administrator,
    summary_services,
    summary_teams,
)
from assessments.leads.kept_pages import kept_fragment, kept_page
from assessments.leads.parts import (
    SERVICE_SCOPE,
    ActionsOnPage,
    Part,
    Render,
    page_withholds,
    published_part,
    team_scope,
)
from assessments.models.figures import SummaryAccess
from assessments.models.organisation import Role, Service, Team


def _period(key: str) -> Period | None:
    """The period a summary URL names, or None if it is malformed, still open or in the future."""
    period = parse_period(key)
    return period if period is not None and period <= latest_shown_period() else None


def _bad_period(request: HttpRequest, key: str) -> HttpResponse:
    if parse_period(key) == current_period():
        message = _(
            "Figures for this period will be shown once it has ended. While a period is still open, its "
            "figures would change with each check-in, which could let someone work out one person's answers."
        )
    else:
        message = _(
            "There is no summary for “%(key)s”. Summaries are for whole months (like 2026-03) or quarters "
            "(like 2026-Q1) that have ended."
        ) % {"key": key[:20]}
    return render(request, "assessments/leads/summary_not_found.html", {"message": message}, status=404)


def _read(
    request: AuthenticatedHttpRequest,
    action: str,
    selected: Period,
    service: Service,
    page: str,
    render: Render,
    team: Team | None = None,
) -> Part:
    """The stored part of a page or CSV, with its audit row: after the access check, never before it."""
    scope = SERVICE_SCOPE if team is None else team_scope(team)
    return published_part(
        user=request.user,
        action=action,
        service=service,
        period=selected,
        scope=scope,
        page=page,
        render=render,
        team=team,
    )


def _team_scopes(team, figures) -> list:
    # The name the figures were published under, so renaming a team changes nothing a lead has read.
    name = next((t.name for t in figures.teams if t.pk == team.pk), team.name)
    return [(name, team.pk, figures.periods), (_("Service average"), None, figures.periods)]


def _service_scopes(figures) -> list:
    return [(_("Whole service"), None, figures.periods)] + [(t.name, t.pk, figures.periods[-1:]) for t in figures.teams]


def _csv(filename: str, part: Part) -> HttpResponse:
    response = HttpResponse(part.chunks[0], content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_part(rows_of, header: list[str], scopes_of) -> Render:
    """Renders a CSV of the published figures, whole: it has nothing per request."""

    def render(figures: ServiceFigures) -> tuple[list[str], dict]:
        out = io.StringIO()
        csv_rows(out, header, rows_of(figures, scopes_of(figures)))
        return [out.getvalue()], {}

    return render


def _nav_context(selected: Period, page: str, pk: int) -> dict:
    """The links to the periods before and after (a newer one appears when it ends: per request) and the CSVs.

    `page` is "leads:team_summary" or "leads:service_summary"; its export is `page` + "_export".
    """
    newer = selected.next() if selected < latest_shown_period() else None
    return {
        "period": selected,
        "previous": selected.previous(),
        "next": newer,
        # The links are kept rendered for what they show (partials/period_nav.html, kept_fragment): the page, the
        # team or service, the period and the newer one. So the URLs are only worked out when they are rendered.
        "nav_shown": "|".join([page.removeprefix("leads:"), str(pk), selected.key, newer.key if newer else ""]),
        "previous_url": reverse_lazy(page, args=[pk, selected.previous().key]),
        "next_url": reverse_lazy(page, args=[pk, newer.key]) if newer else None,
        "export_url": reverse_lazy(f"{page}_export", args=[pk, selected.key]),
        "statements_export_url": reverse_lazy(f"{page}_statements_export", args=[pk, selected.key]),
        "obstacles_export_url": reverse_lazy(f"{page}_obstacles_export", args=[pk, selected.key]),
    }


def _page_context(cell, compare, trend, selected: Period, page: str, pk: int) -> dict:
    """What both summary pages' stored parts share: the dimension rows, the trend and the page's own links.

    `page` is "leads:team_summary" or "leads:service_summary".
    """
    charts = _trend_charts(trend)
    return {
        "cell": cell,
        # Each dimension's row: this scope's figure, the one it is compared with, and its trend chart.
        "systemic_rows": [
            (f, other, charts[f.dimension.slug]) for f, other in zip(cell.systemic, compare.systemic, strict=True)
        ],
        "individual_rows": [
            (f, other, charts[f.dimension.slug]) for f, other in zip(cell.individual, compare.individual, strict=True)
        ],
        "trend": trend,
        # Each figure with its period's label: on a phone the trend table stacks, and each value says its period.
        "trend_rows": [[(c.period.short_label, c.dimensions[d.slug]) for c in trend] for d in ORDERED_DIMENSIONS],
        "period": selected,
        "export_url": reverse(f"{page}_export", args=[pk, selected.key]),
        "header": PAGE_HEADER,
        "low_below": int(LOW_BELOW),
        "high_from": int(HIGH_FROM),
        "min_group_size": min_group_size(),
        "share_min_group_size": share_min_group_size(),
    }


def _segments(templates: tuple[str, ...], context: dict) -> list[str]:
    return [render_to_string(t, context) for t in templates]


# The CSV's columns, as the page's table of every figure heads them (the CSV keeps its own names for spreadsheets).
PAGE_HEADER = [
    gettext_lazy("Team or service"),
    gettext_lazy("Period"),
    gettext_lazy("Dimension"),
    gettext_lazy("People who took part"),
    gettext_lazy("Members"),
    gettext_lazy("Mean (0 to 100)"),
    gettext_lazy("Low %"),
    gettext_lazy("Middle %"),
    gettext_lazy("High %"),
    gettext_lazy("Note"),
]


def _this_period(rows: list[FigureRow], selected: Period) -> list[FigureRow]:
    """The rows of the page's own period: the table of every figure is this page's, not the trend's twelve periods
    (the CSV keeps them all)."""
    return [r for r in rows if r.values[1] == selected.key]


def _rows_html(rows: list[FigureRow]) -> str:
    """The full figures table body, built here: a template loop over ~1,000 cells is the slowest part of a page.
    A figure the auditor withheld is the same dash as everywhere else on the page."""
    dash = render_to_string("assessments/leads/partials/withheld.html").strip()
    return mark_safe(  # noqa: S308 - every value is escaped (plain strings, so the standard library's escape will do)
        "".join(
            "<tr>" + "".join(f"<td>{dash if v is None else escape(v)}</td>" for v in row.on_page) + "</tr>"
            for row in rows
        )
    )


def _trend_charts(cells: list[Cell]) -> dict[str, LineChart]:
    """Each dimension's line over the trend's periods, by its slug; a hidden period is a gap in it."""
    labels = [c.period.short_label for c in cells]
    return {
        d.slug: line_chart(
            [f.mean if f.is_shown else None for f in (c.dimensions[d.slug] for c in cells)],
            d.direction,
            labels=labels,
        )
        for d in ORDERED_DIMENSIONS
    }


def _reasons(team_cells: list[tuple[PublishedTeam, Cell]], side_by_side: list) -> list[str]:
    """Each different reason a cell of the teams table shows a dash for, once, in the order first met."""
    found = [c.hidden for _t, c in team_cells]
    for _d, figures in side_by_side:
        found += [f.hidden if not f.is_shown else f.shares_hidden for _name, f in figures if not f.withheld]
    return list(dict.fromkeys(str(r) for r in found if r))


@login_required
def summary_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = summary_teams(request.user)
    services = summary_services(request.user)
    if not is_administrator(request.user) and not teams.exists() and not services.exists():
        raise Http404  # practitioners have no summaries to open
    if is_administrator(request.user):
        # Every team of a large organisation would be a long list: administrators start from services.
        teams = teams.filter(memberships__user=request.user, memberships__role=Role.LEAD)
    return render(
        request,
        "assessments/leads/summary_index.html",
        {"teams": teams, "services": services, "period": latest_shown_period()},
    )


@login_required
def team_summary_current(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_summary_team(request.user, team_pk)
    return redirect("leads:team_summary", team_pk=team.pk, period=latest_shown_period().key)


@login_required
def team_summary(request: AuthenticatedHttpRequest, team_pk: int, period: str) -> HttpResponse:
    return _team_page(request, team_pk, period, "team_summary")


@login_required
def team_pack(request: AuthenticatedHttpRequest, team_pk: int, period: str) -> HttpResponse:
    """One printable page a lead takes to a team meeting: the team summary's own published figures in words, questions
    to talk over and room to write down what the team commits to. It reads nothing the summary does not."""
    return _team_page(request, team_pk, period, "team_pack")


# Each page's parts rendered once from the published figures, in page order; its template puts the rest around them.
PART_TEMPLATES = {
    "team_summary": (
        "assessments/leads/parts/team_top.html",
        "assessments/leads/parts/team_figures.html",
        "assessments/leads/partials/all_figures.html",
    ),
    "team_pack": ("assessments/leads/parts/pack_top.html",),
    "service_summary": (
        "assessments/leads/parts/service_top.html",
        "assessments/leads/parts/service_figures.html",
        "assessments/leads/partials/all_figures.html",
    ),
}


def _team_page(request: AuthenticatedHttpRequest, team_pk: int, period: str, page: str) -> HttpResponse:
    """A team's summary or its pack: the same access check (which reads the actions too), period check, read and
    audit."""
    team, action_rows = get_summary_team_and_actions(request.user, team_pk)
    selected = _period(period)
    if selected is None:
        return _bad_period(request, period)

    def render_parts(figures: ServiceFigures) -> tuple[list[str], dict]:
        context = _team_context(team, figures, selected)
        return _segments(PART_TEMPLATES[page], context), context["facts"]

    part = _read(request, SummaryAccess.Action.VIEW, selected, team.service, page, render_parts, team)
    actions = ActionsOnPage(action_rows, part, selected)
    suggest_url = reverse("leads:team_action_add", args=[team.pk])
    if page == "team_pack":
        context = {
            "team": team,
            "period": selected,
            "parts": part.html,
            "progress": actions,
            "summary_url": reverse("leads:team_summary", args=[team.pk, selected.key]),
            "suggest_url": suggest_url,
        }
        return render(request, "assessments/leads/team_pack.html", context)
    context = {
        "team_name": team.name,
        "service_name": team.service.name,
        **_summary_context(part, actions, selected, "leads:team_summary", team.pk),
        "suggest_url": suggest_url,
    }
    return kept_page(request, "assessments/leads/team_summary.html", context, SUMMARY_HOLES + ("team_name",))


# What differs between reads of a summary page, printed as it is: the page's shell is kept (assessments/leads/
# kept_pages.py). The withheld note's one answer is part of the shell's key.
SUMMARY_HOLES = ("service_name", "period_label", "parts", "period_nav", "action_list", "suggest_url")


def _summary_context(part: Part, actions: ActionsOnPage, selected: Period, page: str, pk: int) -> dict:
    """What a team's and a service's summary page show alike: the stored parts, and the period links and the list
    of actions, each kept rendered for what it shows."""
    nav = _nav_context(selected, page, pk)
    return {
        "period_label": selected.label,
        "parts": list(part.chunks),
        "period_nav": kept_fragment(
            "period_nav", [nav["nav_shown"]], "assessments/leads/partials/period_nav.html", nav
        ),
        "action_list": kept_fragment(
            "actions",
            [actions.shown],
            "assessments/leads/partials/action_list.html",
            {"progress": actions, "period": selected},
        ),
        "withheld": page_withholds(part, actions),
    }


def _team_context(team: Team, figures: ServiceFigures, selected: Period) -> dict:
    """A team's page, or its conversation pack, as far as it shows published figures. Where the team's own figures
    are hidden, the whole service's stand in (`in_place_of_team`), so a small team's lead still has something to read
    and take to the team; never a smaller group's."""
    cell = figures.cell(team.pk)
    service_cell = figures.cell(None)
    in_place = bool(cell.hidden) and not service_cell.hidden
    shown, trend = (service_cell, figures.trend(None)) if in_place else (cell, figures.trend(team.pk))
    context = _page_context(shown, service_cell, trend, selected, "leads:team_summary", team.pk)
    # The table of every figure is the CSV's, this period: the team's row (hidden, with why) and the service's.
    rows = figure_rows(figures, _team_scopes(team, figures))
    context.update(
        {
            "team_cell": cell,
            "pack_url": reverse("leads:team_pack", args=[team.pk, selected.key]),
            "in_place_of_team": in_place,
            "suggest_url": reverse("leads:team_action_add", args=[team.pk]),
            "all_rows_html": _rows_html(_this_period(rows, selected)),
            "facts": _facts(context["cell"], rows, figures, selected),
        }
    )
    return context


def _facts(cell: Cell, rows: list[FigureRow], figures: ServiceFigures, selected: Period) -> dict:
    """What a page's view needs of the published figures beside its stored parts: whether they withhold a figure, and
    the team's voice on each action in the page's period."""
    return {
        "withholds": summary_withholds(cell, rows, []),
        "voices": voices_published(figures.published[selected]),
    }


def _team_export(request: AuthenticatedHttpRequest, team_pk: int, period: str, page: str) -> HttpResponse:
    """A team's CSV (dimension, statement or obstacle figures): the same access check, period check, read and
    audit."""
    team = get_summary_team(request.user, team_pk)
    selected = _period(period)
    if selected is None:
        return _bad_period(request, period)
    rows_of, header, suffix = EXPORTS[page]
    render_csv = _csv_part(rows_of, header, lambda figures: _team_scopes(team, figures))
    part = _read(request, SummaryAccess.Action.EXPORT, selected, team.service, f"team_{page}", render_csv, team)
    return _csv(f"team-{team.pk}-{selected.key}{suffix}.csv", part)


# Each CSV: its rows, its header and the end of its file name.
EXPORTS = {
    "export": (export_rows, EXPORT_HEADER, ""),
    "statements_export": (statement_export_rows, STATEMENT_HEADER, "-statements"),
    "obstacles_export": (obstacle_export_rows, OBSTACLE_HEADER, "-obstacles"),
}


@login_required
def team_summary_export(request: AuthenticatedHttpRequest, team_pk: int, period: str) -> HttpResponse:
    return _team_export(request, team_pk, period, "export")


@login_required
def team_statements_export(request: AuthenticatedHttpRequest, team_pk: int, period: str) -> HttpResponse:
    """The team's statement-level figures as CSV, beside the dimensions'."""
    return _team_export(request, team_pk, period, "statements_export")


@login_required
def team_obstacles_export(request: AuthenticatedHttpRequest, team_pk: int, period: str) -> HttpResponse:
    """What got in the way of the moves the team chose, as CSV."""
    return _team_export(request, team_pk, period, "obstacles_export")


@login_required
def service_summary_current(request: AuthenticatedHttpRequest, service_pk: int) -> HttpResponse:
    service = get_summary_service(request.user, service_pk)
    return redirect("leads:service_summary", service_pk=service.pk, period=latest_shown_period().key)


@login_required
def service_summary(request: AuthenticatedHttpRequest, service_pk: int, period: str) -> HttpResponse:
    service, action_rows = get_summary_service_and_actions(request.user, service_pk)
    selected = _period(period)
    if selected is None:
        return _bad_period(request, period)

    def render_parts(figures: ServiceFigures) -> tuple[list[str], dict]:
        context = _service_context(service, figures, selected)
        return _segments(PART_TEMPLATES["service_summary"], context), context["facts"]

    part = _read(request, SummaryAccess.Action.VIEW, selected, service, "service_summary", render_parts)
    actions = ActionsOnPage(action_rows, part, selected)
    context = {
        "service_name": service.name,
        **_summary_context(part, actions, selected, "leads:service_summary", service.pk),
        "suggest_url": reverse("leads:service_action_add", args=[service.pk]),
    }
    return kept_page(request, "assessments/leads/service_summary.html", context, SUMMARY_HOLES)


def _service_context(service: Service, figures: ServiceFigures, selected: Period) -> dict:
    """The service's page, as far as it shows published figures."""
    cell = figures.cell(None)
    context = _page_context(cell, cell, figures.trend(None), selected, "leads:service_summary", service.pk)
    team_cells = [(t, figures.cell(t.pk)) for t in figures.teams]
    rows = figure_rows(figures, _service_scopes(figures))
    side_by_side = [(d, [(t.name, c.dimensions[d.slug]) for t, c in team_cells]) for d in ORDERED_DIMENSIONS]
    context.update(
        {
            "team_cells": team_cells,
            # The teams with a figure worth a look, named first on the page, most flags first.
            "teams_to_look_at": figures.teams_to_look_at(),
            # Each figure with its team's name, for the heading a cell shows when the table stacks on a phone.
            "side_by_side": side_by_side,
            # Why a team's cell shows a dash, said once under the table rather than in every cell.
            "side_by_side_reasons": _reasons(team_cells, side_by_side),
            "all_rows_html": _rows_html(_this_period(rows, selected)),
            "suggest_url": reverse("leads:service_action_add", args=[service.pk]),
            "facts": _facts(cell, rows, figures, selected),
        }
    )
    return context


def _service_export(request: AuthenticatedHttpRequest, service_pk: int, period: str, page: str) -> HttpResponse:
    service = get_summary_service(request.user, service_pk)
    selected = _period(period)
    if selected is None:
        return _bad_period(request, period)
    rows_of, header, suffix = EXPORTS[page]
    render_csv = _csv_part(rows_of, header, _service_scopes)
    part = _read(request, SummaryAccess.Action.EXPORT, selected, service, f"service_{page}", render_csv)
    return _csv(f"service-{service.pk}-{selected.key}{suffix}.csv", part)


@login_required
def service_summary_export(request: AuthenticatedHttpRequest, service_pk: int, period: str) -> HttpResponse:
    return _service_export(request, service_pk, period, "export")


@login_required
def service_statements_export(request: AuthenticatedHttpRequest, service_pk: int, period: str) -> HttpResponse:
    return _service_export(request, service_pk, period, "statements_export")


@login_required
def service_obstacles_export(request: AuthenticatedHttpRequest, service_pk: int, period: str) -> HttpResponse:
    return _service_export(request, service_pk, period, "obstacles_export")
