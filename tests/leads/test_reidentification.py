"""Re-identification: a curious lead uses every summary page, period and export they can reach.

The attacker here is a team lead (and a service lead) who knows who is in the team and wants one person's
answers, or to know whether a given person checked in. They read every summary page and CSV for every
period from two years back to now, follow every /summaries/ link they find, and combine what they read:
the same cell in several views, teams against the service total, one period against the one before.

What the tests assert holds for every view and every pair of views in the same period. What they cannot
assert, because the design accepts it, is written down where it applies (see the docstrings marked
"Residual risk").
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from collections import defaultdict
from datetime import date, datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.core.framework import DIMENSIONS, PHASES
from assessments.core.periods import current_period, latest_shown_period, parse_period
from assessments.models import CheckIn, Membership, Role, SummaryEntry, Team
from assessments.practitioner.checkins import checkin_delete
from tests.cast import JOINED, make_user
from tests.checkins import moment_in, submit_checkin
from tests.clients import BrowserClient

SERVICE = "<service>"  # the service's own row, named "Whole service" on one page and "Service average" on another
SECRET = "Ottoline's private worry about the waiting list"
HH_MM = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):[0-5]\d(?![\d:])")
SUMMARY_HREF = re.compile(r'href="(/summaries/[^"#?]*)"')
PERIOD_IN_URL = re.compile(r"/([0-9]{4}-(?:Q[1-4]|[0-9]{2}))/")
# The outlier answers very differently from everyone else, and differently per dimension.
OUTLIER = {d.slug: v for d, v in zip(DIMENSIONS, (5, 1, 5, 4, 1, 5, 2), strict=True)}
OTHERS = {d.slug: 3 for d in DIMENSIONS}
WITHHELD_ON_PAGE = "—not shown"  # a dash, and the words a screen reader says
WITHHELD_NOTE = "Not shown so that no one's answers can be worked out."
NAMES = ["Bramwell", "Cressida", "Dunstan", "Euphemia", "Fitzroy", "Gwendolen", "Horatio", "Isolde"]


# --- building the team ------------------------------------------------------------------------------


def member(team, name: str):
    user = make_user(f"user_{name.lower()}", first_name=name, last_name=f"{name}son")
    Membership.objects.create(user=user, team=team, role=Role.PRACTITIONER, created_at=JOINED)
    return user


def submit(user, team, values: dict[str, int], when: datetime | None = None, reflection: str = "") -> CheckIn:
    """A submitted check-in with a reflection in every phase, its standing refreshed.

    It is back-dated into the newest period leads can see (the last one that has ended) unless `when` says
    otherwise; pass `when=timezone.now()` for a check-in in the period still open.
    """
    reflections = {phase.slug: reflection for phase in PHASES}
    return submit_checkin(user, team, values, when=when or moment_in(latest_shown_period()), reflections=reflections)


def outlier_scores(user) -> dict[str, float]:
    """The outlier's own per-dimension scores, as the summaries store them."""
    entry = SummaryEntry.objects.filter(user=user, kind=django_settings.SUMMARY_PERIOD).latest("period_start")
    return {d.slug: getattr(entry, f"score_{d.slug}") for d in DIMENSIONS}


# --- what the lead collects -------------------------------------------------------------------------


def period_keys(months_back: int = 24) -> list[str]:
    """Every period key from `months_back` months ago to now."""
    now = latest_shown_period()
    oldest = date(now.start.year - months_back // 12, now.start.month, 1)
    keys, period = [], now
    while period.start >= oldest:
        keys.append(period.key)
        period = period.previous()
    return keys


def csv_rows(content: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0][:4] == ["scope", "period", "dimension", "people"]
    return rows[1:]


def page_rows(page: str) -> list[list[str]]:
    """The page's table of every figure, as the lead reads it. A figure the auditor withheld is a dash there (the page
    says why once, above the figures): read back as the CSV has it, blank with the reason in its note."""
    body = page.split('id="all-figures"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    read = [
        [html_lib.unescape(re.sub(r"<[^>]*>", "", v)) for v in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
        for row in rows
    ]
    return [[*r[:5], "", "", "", "", WITHHELD_NOTE] if r[5] == WITHHELD_ON_PAGE else r for r in read]


class Harvest:
    """Everything one curious lead read, and every figure in it keyed by (scope, period, dimension)."""

    def __init__(self):
        self.texts: dict[str, str] = {}
        self.figures: dict[tuple[str, str, str], set[tuple[str, ...]]] = defaultdict(set)
        self.views: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.members: dict[tuple[str, str], set[str]] = defaultdict(set)
        # Statement-level figures, keyed by (scope, period, statement code): every version of them ever read.
        self.statements: dict[tuple[str, str, str], set[tuple[str, ...]]] = defaultdict(set)
        # What got in the way of moves, keyed by (scope, period, obstacle code): every version of it ever read.
        self.obstacles: dict[tuple[str, str, str], set[tuple[str, ...]]] = defaultdict(set)

    def add_obstacle_rows(self, url: str, rows: list[list[str]]) -> None:
        for scope, period, code, _words, named_by, people, share, note in rows:
            if scope in ("Whole service", "Service average"):
                scope = SERVICE
            assert people == "" or int(people) >= 10, (url, scope, period, code, people)  # like shares: 10
            self.obstacles[(scope, period, code)].add((named_by, people, share, note))

    def add_statement_rows(self, url: str, rows: list[list[str]]) -> None:
        for scope, period, _dimension, code, _text, answered, *values in rows:
            if scope in ("Whole service", "Service average"):
                scope = SERVICE
            assert answered == "" or int(answered) >= 10, (url, scope, period, code, answered)  # shares need 10
            self.statements[(scope, period, code)].add((answered, *values))

    def add_rows(self, url: str, rows: list[list[str]]) -> None:
        for scope, period, dimension, people, members, *values in rows:
            if scope in ("Whole service", "Service average"):
                scope = SERVICE
            # How many members could have taken part is shown exactly where the head count is, never alone.
            assert (members == "") == (people == ""), (url, scope, period, members)
            self.figures[(scope, period, dimension)].add((people, *values))
            self.members[(scope, period)].add(members)
            self.views[(scope, period, dimension)].add(url)

    def shown(self, scope: str, period: str, dimension: str) -> tuple[int, float] | None:
        """(people, mean) if the lead can read both for this cell, else None."""
        for people, mean, *_rest in self.figures.get((scope, period, dimension), ()):
            if people and mean:
                return int(people), float(mean)
        return None

    def people(self, scope: str, period: str) -> int | None:
        for (s, p, _d), values in self.figures.items():
            if s == scope and p == period:
                for people, *_rest in values:
                    if people:
                        return int(people)
        return None


def harvest(
    client: BrowserClient, team_ids: list[int], service_ids: list[int], months_back: int = 24, limit: int = 400
) -> Harvest:
    """Every page and export the signed-in lead can reach, for every period from `months_back` months ago to
    now, plus every /summaries/ link found in them. Every page's trend covers twelve periods, so the last
    three months' pages already show every figure of the past year."""
    found = Harvest()
    queue = [reverse("leads:summary_index")]
    keys = set(period_keys(months_back))
    for key in keys:
        for pk in team_ids:
            queue += [
                reverse("leads:team_summary", args=[pk, key]),
                reverse("leads:team_summary_export", args=[pk, key]),
            ]
        for pk in service_ids:
            queue += [
                reverse("leads:service_summary", args=[pk, key]),
                reverse("leads:service_summary_export", args=[pk, key]),
            ]
    queue += [reverse("leads:team_summary_current", args=[pk]) for pk in team_ids]
    queue += [reverse("leads:service_summary_current", args=[pk]) for pk in service_ids]
    seen: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue
        text = response.content.decode()
        found.texts[url] = text
        if url.endswith("obstacles.csv"):
            rows = list(csv.reader(io.StringIO(response.content.decode())))
            assert rows[0] == ["scope", "period", "code", "obstacle", "named_by", "people", "share", "note"]
            found.add_obstacle_rows(url, rows[1:])
            continue
        if url.endswith("statements.csv"):
            rows = list(csv.reader(io.StringIO(response.content.decode())))
            assert rows[0][:6] == ["scope", "period", "dimension", "code", "statement", "answered"]
            found.add_statement_rows(url, rows[1:])
            continue
        if url.endswith(".csv"):
            found.add_rows(url, csv_rows(response.content))
            continue
        if 'id="all-figures"' in text:
            found.add_rows(url, page_rows(text))
        for href in map(html_lib.unescape, SUMMARY_HREF.findall(text)):
            # "Previous period" links go back for ever: follow them as far as two years back.
            key = PERIOD_IN_URL.search(href)
            if href not in seen and (key is None or key.group(1) in keys):
                queue.append(href)
    assert len(seen) < limit, "the crawl stopped at its bound; raise it so nothing reachable is left unread"
    return found


# --- what must hold in everything the lead read --------------------------------------------------------


def assert_names_nothing(found: Harvest, people: list, checkins: list[CheckIn]) -> None:
    """No username, name, free text, or time of day or date of a check-in, in any page or export."""
    days = {timezone.localdate(c.submitted_at) for c in checkins}
    day_texts = set()
    for day in days:
        day_texts |= {day.isoformat(), day.strftime("%d/%m/%Y"), date_format(day, "j F Y"), date_format(day, "j M Y")}
    for url, text in found.texts.items():
        for person in people:
            for word in (person.username, person.first_name, person.last_name, person.email):
                assert word not in text, (url, word)
        assert SECRET not in text and "private worry" not in text, url
        assert not HH_MM.search(text), (url, HH_MM.search(text).group(0))
        for day in day_texts:
            assert day not in text, (url, day)


def assert_no_small_or_single_cells(found: Harvest) -> None:
    """Every shown mean stands for at least MIN_GROUP_SIZE people and every shown share for at least
    SHARE_MIN_GROUP_SIZE; a hidden cell carries no figures at all, and left-out shares say why."""
    minimum, share_minimum = django_settings.MIN_GROUP_SIZE, django_settings.SHARE_MIN_GROUP_SIZE
    for key, values in found.figures.items():
        for people, mean, low, middle, high, note in values:
            if mean and low:
                assert int(people) >= share_minimum, key
                assert note == "", key
            elif mean:
                assert int(people) >= minimum, key
                assert (low, middle, high) == ("", "", "") and note, key
            else:
                assert (mean, low, middle, high) == ("", "", "", ""), key
                assert note, key
                assert people == "" or int(people) >= minimum, key
    for key, values in found.statements.items():
        for answered, *shares, note in values:
            assert (answered == "") == bool(note), key  # shown with its n, or hidden with its reason
            assert answered == "" or (int(answered) >= share_minimum and len(shares) == 5), key
            assert answered != "" or shares == [""] * 5, key
    for key, values in found.obstacles.items():
        for named_by, people, share, note in values:
            assert (people == "") == bool(note) and (named_by == "") == (people == "") == (share == ""), key
            assert people == "" or int(people) >= share_minimum, key


def assert_each_cell_reads_the_same_everywhere(found: Harvest) -> None:
    """Page vs CSV, team page vs service page, current-period URL vs explicit period, period P vs the trend
    of P+1: the same (scope, period, dimension) has one set of figures, so no two views can be subtracted."""
    for key, values in found.figures.items():
        assert len(values) == 1, (key, values, found.views[key])
    for key, members in found.members.items():
        assert len(members) == 1, (key, members)
    for key, values in found.statements.items():
        assert len(values) == 1, (key, values)
    for key, values in found.obstacles.items():
        assert len(values) == 1, (key, values)


def assert_no_team_can_be_subtracted(found: Harvest, service) -> None:
    """Service total minus the shown teams leaves nothing, or a group of several teams and enough people.

    This is the lead's own arithmetic: for every period and dimension where the service's people and mean
    are shown, n_total * mean_total - sum(n_team * mean_team) over the shown teams. It identifies a hidden
    group only if that group is a single non-empty team or fewer than MIN_GROUP_SIZE people.
    """
    minimum = django_settings.MIN_GROUP_SIZE
    teams = list(Team.objects.filter(service=service))
    periods = {p for (_s, p, _d) in found.figures}
    for period in periods:
        truth = {
            t.name: SummaryEntry.objects.filter(
                team=t, kind=django_settings.SUMMARY_PERIOD, period_start=_period_start(period)
            ).count()
            for t in teams
        }
        for d in DIMENSIONS:
            total = found.shown(SERVICE, period, str(d.name))
            if total is None:
                continue
            shown = {t.name: found.shown(t.name, period, str(d.name)) for t in teams}
            known = {name: fig for name, fig in shown.items() if fig is not None}
            rest_people = total[0] - sum(n for n, _m in known.values())
            hidden_nonempty = [name for name in shown if name not in known and truth[name] > 0]
            if rest_people == 0:
                assert not hidden_nonempty
                continue
            assert rest_people >= minimum, (period, d.slug, rest_people)
            assert len(hidden_nonempty) >= 2, (period, d.slug, hidden_nonempty)


def _period_start(key: str) -> date:
    return parse_period(key).start


def assert_outlier_not_shown(found: Harvest, scores: dict[str, float]) -> None:
    """No shown mean equals the outlier's own score: every figure mixes them with at least four others."""
    for (_scope, _period, dimension), values in found.figures.items():
        slug = next(d.slug for d in DIMENSIONS if str(d.name) == dimension)
        for _people, mean, *_rest in values:
            if mean:
                assert float(mean) != scores[slug], (dimension, mean)


# --- 1. every page, period and export --------------------------------------------------------------


@pytest.mark.slow
def test_a_curious_lead_reading_every_page_period_and_export_never_sees_the_outliers_answers(
    client, lead, service_lead, service, team, question_set
):
    now = latest_shown_period()
    outlier = member(team, "Ottoline")
    others = [member(team, name) for name in NAMES[:4]]
    checkins = [submit(outlier, team, OUTLIER, reflection=SECRET)]
    checkins += [submit(u, team, OTHERS, reflection=SECRET) for u in others]
    # Two years of history: the same five last month, and only four of them a year ago (hidden).
    checkins += [submit(u, team, OTHERS, when=moment_in(now.previous())) for u in [outlier, *others]]
    year_ago = now
    for _ in range(12 // (1 if now.kind == "month" else 3)):
        year_ago = year_ago.previous()
    checkins += [submit(u, team, OUTLIER, when=moment_in(year_ago)) for u in [outlier, *others[:3]]]
    scores = outlier_scores(outlier)
    assert len(set(scores.values())) > 2  # the outlier really is different, dimension by dimension

    for reader, team_ids, service_ids in [(lead, [team.pk], []), (service_lead, [], [service.pk])]:
        client.force_login(reader)
        found = harvest(client, team_ids, service_ids)
        assert any(url.endswith(".csv") for url in found.texts) and len(found.texts) > 40
        assert found.shown(team.name if team_ids else SERVICE, now.key, str(DIMENSIONS[0].name)) is not None
        assert found.people(team.name if team_ids else SERVICE, year_ago.key) is None  # four people: no count
        assert_names_nothing(found, [outlier, *others], checkins)
        assert_no_small_or_single_cells(found)
        assert_each_cell_reads_the_same_everywhere(found)
        assert found.statements  # the statement CSVs were read too, and held to the same rules
        assert found.obstacles  # and what got in the way of moves
        assert_no_team_can_be_subtracted(found, service)
        assert_outlier_not_shown(found, scores)


# --- 2. presence and difference across periods -------------------------------------------------------


def test_a_person_who_joins_the_period_a_team_reaches_five_cannot_be_differenced_against_the_hidden_period(
    client, lead, service_lead, service, team, question_set
):
    now = latest_shown_period()
    outlier = member(team, "Ottoline")
    others = [member(team, name) for name in NAMES[:4]]
    for u in others:
        submit(u, team, OTHERS, when=moment_in(now.previous()))
        submit(u, team, OTHERS)
    submit(outlier, team, OUTLIER)

    for reader, team_ids, service_ids in [(lead, [team.pk], []), (service_lead, [], [service.pk])]:
        client.force_login(reader)
        found = harvest(client, team_ids, service_ids, months_back=3)
        scope = team.name if team_ids else SERVICE
        # Last month had four people: no figure and no count in any view, so nothing to subtract from now.
        for d in DIMENSIONS:
            assert found.figures[(scope, now.previous().key, str(d.name))] == {("", "", "", "", "", _too_few())}
            assert found.shown(scope, now.key, str(d.name)) is not None
        assert_no_small_or_single_cells(found)
        assert_each_cell_reads_the_same_everywhere(found)
        assert_outlier_not_shown(found, outlier_scores(outlier))
        # No "change since last period" is given where last period was hidden.
        name = "leads:team_summary" if team_ids else "leads:service_summary"
        page = client.get(reverse(name, args=[(team_ids or service_ids)[0], now.key])).content.decode()
        changes = re.findall(r"Since the period before: (.*?)</p>", page, flags=re.DOTALL)
        assert len(changes) == len(DIMENSIONS)
        assert all("no comparison" in change for change in changes)


def test_within_one_period_no_pair_of_views_isolates_the_person_who_joined(
    client, lead, service_lead, service, team, other_team, question_set
):
    """Five people last month, six this month (the outlier joined).

    Residual risk, accepted by design: across two *different* fixed periods the lead sees two different
    answer sets (each person's latest check-in in that period). If the lead assumed the five others answered
    exactly the same in both months, 6 * mean(now) - 5 * mean(last month) would estimate the newcomer's
    score. The design limits this by using fixed periods only (no custom ranges, so no two overlapping
    windows that differ by one person's check-in), and people's answers change from month to month, so the
    assumption is not something the page confirms. What must hold, and is asserted: within one period, no
    view or pair of views (team vs service, team vs other team, page vs CSV, current-period URL vs explicit
    period URL) gives two different figures for the same cell, and the service total minus the shown teams
    never isolates one team or fewer than five people.
    """
    now = latest_shown_period()
    outlier = member(team, "Ottoline")
    others = [member(team, name) for name in NAMES[:5]]
    for u in others:
        submit(u, team, OTHERS, when=moment_in(now.previous()))
        submit(u, team, OTHERS)
    submit(outlier, team, OUTLIER)
    # Two small teams in the same service: hidden, and neither may be recoverable from the total.
    west = Team.objects.create(service=service, name="West team")
    small = [member(other_team, name) for name in NAMES[5:8]] + [member(west, f"Westerner{i}") for i in range(3)]
    for u in small:
        submit(u, u.memberships.get().team, OUTLIER)

    other_lead_user = make_user("olwen", first_name="Olwen")
    Membership.objects.create(user=other_lead_user, team=other_team, role=Role.LEAD)
    combined = Harvest()  # leads comparing notes
    for reader, team_ids, service_ids in [
        (lead, [team.pk], []),
        (other_lead_user, [other_team.pk], []),
        (service_lead, [], [service.pk]),
    ]:
        client.force_login(reader)
        found = harvest(client, team_ids, service_ids, months_back=3)
        for url, text in found.texts.items():
            combined.texts[reader.username + url] = text
        for key, values in found.figures.items():
            combined.figures[key] |= values
            combined.views[key] |= found.views[key]
    assert combined.people(team.name, now.key) == 6 and combined.people(team.name, now.previous().key) == 5
    assert combined.shown(other_team.name, now.key, str(DIMENSIONS[0].name)) is None
    assert combined.shown(west.name, now.key, str(DIMENSIONS[0].name)) is None
    assert_no_small_or_single_cells(combined)
    assert_each_cell_reads_the_same_everywhere(combined)
    assert_no_team_can_be_subtracted(combined, service)
    assert_names_nothing(combined, [outlier, *others, *small], list(CheckIn.objects.all()))


def _too_few() -> str:
    return f"Hidden: fewer than {django_settings.MIN_GROUP_SIZE} people took part, so figures could identify someone."


# --- 3. complementary suppression across team and service -------------------------------------------


def test_the_service_total_minus_the_shown_teams_never_gives_a_hidden_teams_figures(
    client, lead, service_lead, service, team, other_team, question_set
):
    third = Team.objects.create(service=service, name="West team")
    # team (the lead's) has four people and one outlier among them; the others have five and seven.
    submit(member(team, "Ottoline"), team, OUTLIER)
    for name in NAMES[:3]:
        submit(member(team, name), team, OTHERS)
    for i in range(5):
        submit(member(other_team, f"Southerner{i}"), other_team, {d.slug: 2 for d in DIMENSIONS})
    for i in range(7):
        submit(member(third, f"Westerner{i}"), third, {d.slug: 4 for d in DIMENSIONS})

    client.force_login(service_lead)
    found = harvest(client, [], [service.pk], months_back=3)
    now = latest_shown_period().key
    for d in DIMENSIONS:
        name = str(d.name)
        total = found.shown(SERVICE, now, name)
        cells = {t.name: found.shown(t.name, now, name) for t in (team, other_team, third)}
        assert cells[team.name] is None  # four people: hidden
        # The lead's arithmetic, dimension by dimension: it needs the total and every other team.
        needed = [total] + [fig for t, fig in cells.items() if t != team.name]
        assert None in needed, (name, needed)
        if total is not None:
            rest = total[0] * total[1] - sum(n * m for n, m in (c for c in cells.values() if c is not None))
            rest_people = total[0] - sum(n for n, _m in (c for c in cells.values() if c is not None))
            assert rest_people >= django_settings.MIN_GROUP_SIZE and rest_people != 4, (name, rest, rest_people)
    assert_no_team_can_be_subtracted(found, service)
    assert_no_small_or_single_cells(found)
    assert_each_cell_reads_the_same_everywhere(found)


# --- 4. checking in twice, deleting a check-in -------------------------------------------------------


def test_checking_in_twice_counts_once_and_deleting_after_publication_moves_nothing(client, lead, team, question_set):
    """Within one period a person counts once, with their latest check-in. Once the period's figures have
    been published (the first read), deleting check-ins changes nothing a lead can read: the personal data
    goes, the anonymous total stays."""
    people = [member(team, name) for name in NAMES[:5]]
    checkins = [submit(u, team, OTHERS) for u in people]
    checkins.append(submit(people[0], team, OUTLIER))  # the same person again, before anyone read the period
    client.force_login(lead)
    key = latest_shown_period().key
    url = reverse("leads:team_summary_export", args=[team.pk, key])
    before = csv_rows(client.get(url).content)
    current = [r for r in before if r[0] == team.name and r[1] == key]
    assert {r[3] for r in current} == {"5"}  # five people, not six check-ins

    checkin_delete(checkin=checkins[-1])
    checkin_delete(checkin=checkins[1])  # a person with a single check-in deletes it: four left underneath
    assert csv_rows(client.get(url).content) == before
    page = client.get(reverse("leads:team_summary", args=[team.pk, key])).content.decode()
    assert "5 of 5 members took part this period" in page
    for person in people:
        assert person.first_name not in page and person.username not in page


# --- 5. the fact that a given person checked in ------------------------------------------------------


def test_below_the_threshold_a_person_checking_in_changes_nothing_the_lead_can_read(
    client, lead, service_lead, service, team, question_set
):
    for name in NAMES[:3]:
        submit(member(team, name), team, OTHERS)
    ottoline = member(team, "Ottoline")
    views = [
        (lead, reverse("leads:team_summary_export", args=[team.pk, latest_shown_period().key])),
        (service_lead, reverse("leads:service_summary_export", args=[service.pk, latest_shown_period().key])),
    ]

    def read() -> list[bytes]:
        out = []
        for reader, url in views:
            client.force_login(reader)
            out.append(client.get(url).content)
        return out

    before = read()
    submit(ottoline, team, OUTLIER)  # now four: still below five
    assert read() == before  # byte for byte: nothing shows that Ottoline checked in
    client.force_login(lead)
    page = client.get(reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])).content.decode()
    assert "4 people" not in page and "Ottoline" not in page


def test_a_check_in_changes_nothing_a_lead_can_read_until_its_period_has_ended(
    client, lead, service_lead, service, team, question_set
):
    """The timing attack: a lead reads every view just before and just after one person submits, hoping
    that (n + 1) * mean after - n * mean before gives that person's scores, or that the count going up by
    one shows they checked in. Summaries show only periods that have ended, and a check-in always belongs
    to the period still open, so both reads are the same, byte for byte.

    Residual risks, documented rather than asserted: once a period has ended its figures change only when
    someone deletes a check-in (their right), and a lead comparing two different periods can only guess,
    since each person's latest check-in differs between periods. Above the threshold a count of people
    per ended period is shown by design; no view says who.
    """
    people = [member(team, name) for name in NAMES[:6]]
    for u in people[:5]:
        submit(u, team, OTHERS)  # five in the newest ended period: shown
    for u in people:
        submit(u, team, OTHERS, when=timezone.now())  # six more in the open period
    ottoline = member(team, "Ottoline")
    views = [
        (lead, reverse("leads:team_summary_current", args=[team.pk])),
        (lead, reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])),
        (lead, reverse("leads:team_summary_export", args=[team.pk, latest_shown_period().key])),
        (lead, reverse("leads:team_summary", args=[team.pk, current_period().key])),
        (lead, reverse("leads:team_summary_export", args=[team.pk, current_period().key])),
        (service_lead, reverse("leads:service_summary", args=[service.pk, latest_shown_period().key])),
        (service_lead, reverse("leads:service_summary_export", args=[service.pk, latest_shown_period().key])),
        (service_lead, reverse("leads:service_summary_export", args=[service.pk, current_period().key])),
    ]

    def read() -> list[tuple[int, bytes]]:
        out = []
        for reader, url in views:
            client.force_login(reader)
            response = client.get(url, follow=True)
            # The page carries a fresh CSRF token for the sign-out form each time, and the seconds left of the reader's
            # own session (for the timeout warning); take them out before comparing.
            page = re.sub(rb'value="[A-Za-z0-9]{64}"', b"", response.content)
            out.append((response.status_code, re.sub(rb'data-seconds-left="\d+"', b"", page)))
        return out

    before = read()
    assert [status for status, _ in before] == [200, 200, 200, 404, 404, 200, 200, 404]
    checkin = submit(ottoline, team, OUTLIER, reflection=SECRET, when=timezone.now())
    assert read() == before

    found = Harvest()
    for reader, team_ids, service_ids in [(lead, [team.pk], []), (service_lead, [], [service.pk])]:
        client.force_login(reader)
        one = harvest(client, team_ids, service_ids, months_back=3)
        found.texts.update({reader.username + u: t for u, t in one.texts.items()})
    assert_names_nothing(found, [ottoline, *people], [checkin])
