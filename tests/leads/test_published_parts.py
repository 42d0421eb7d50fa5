"""Parts of lead pages rendered once from published figures and stored (assessments/leads/parts.py): what a reader
gets is the page rendered afresh, for the right scope, period, language and version only, and never before the
access check."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.core.periods import current_period, latest_shown_period, parse_period
from assessments.leads import parts
from assessments.leads.parts import SERVICE_SCOPE, code_version, published_part
from assessments.models import CheckIn, PublishedPart, PublishedPeriod, SummaryAccess
from assessments.practitioner.checkins import checkin_delete
from tests.actions import make_action
from tests.clients import BrowserClient
from tests.reads import CSRF_TOKEN
from tests.world import build_world, contributions

MARK = "Stored part, kept as it was"


def pages_of(world, period) -> list[str]:
    """Every page and CSV a service lead reads for one period of the world."""
    urls = []
    for name in ("team_summary", "team_pack"):
        urls += [reverse(f"leads:{name}", args=[t.pk, period.key]) for t in (world.team, world.other_team)]
    urls.append(reverse("leads:service_summary", args=[world.service.pk, period.key]))
    for export in ("export", "statements_export", "obstacles_export"):
        urls.append(reverse(f"leads:team_summary_{export}", args=[world.team.pk, period.key]))
        urls.append(reverse(f"leads:service_summary_{export}", args=[world.service.pk, period.key]))
    return urls


def forget_stored() -> None:
    """Every stored part deleted, and no process's copy of one left: the next read of each renders it afresh."""
    PublishedPart.objects.all().delete()
    caches[parts.PARTS_CACHE].clear()


# What differs between two reads of the same page, and is no figure: the CSRF token in the sign-out form, and the
# seconds the session has left (the first read after signing in pushes its end back).
SECONDS_LEFT = re.compile(r'data-seconds-left="\d+"')


def read(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return SECONDS_LEFT.sub("", CSRF_TOKEN.sub("", response.content.decode())).encode()


def mark_stored(**key) -> int:
    """Writes MARK into the stored parts that match `key`, so a test can tell whether a read sent them. The app never
    changes a stored part, so a process keeps the parts it has read in memory: the mark reaches the reads of a
    process that has read none yet."""
    found = list(PublishedPart.objects.filter(**key))
    for part in found:
        part.segments = [f"{MARK} ({part.scope}, {part.period_start}) {s}" for s in part.segments]
        part.save()
    caches[parts.PARTS_CACHE].clear()
    return len(found)


@pytest.mark.parametrize("figures", [True, False], ids=["figures shown and withheld", "too few people"])
def test_a_page_from_stored_parts_is_the_page_rendered_afresh(db, figures):
    world = build_world(figures=figures)
    client = BrowserClient()
    period = latest_shown_period()
    urls = pages_of(world, period) + pages_of(world, period.previous())
    with time_machine.travel(timezone.now(), tick=False):  # one moment: what is per request reads the same
        client.force_login(world.users["service_lead"])
        first = {url: read(client, url) for url in urls}  # rendered and stored
        assert PublishedPart.objects.count() == len(urls)
        stored = {url: read(client, url) for url in urls}
        forget_stored()
        afresh = {url: read(client, url) for url in urls}
    assert stored == first
    assert afresh == first
    # ... and the second read really was the stored one.
    assert mark_stored() == len(urls)
    assert all(MARK.encode() in read(client, url) for url in urls)


def test_a_stored_part_is_never_served_for_another_team_the_service_or_another_period(
    client, service_lead, service, team, other_team, question_set
):
    contributions(team, 6, prefix="n")
    contributions(other_team, 6, prefix="s")
    client.force_login(service_lead)
    period = latest_shown_period()
    team_page = reverse("leads:team_summary", args=[team.pk, period.key])
    team_csv = reverse("leads:team_summary_export", args=[team.pk, period.key])
    read(client, team_page)
    read(client, team_csv)
    assert mark_stored(scope=f"team:{team.pk}") == 2
    assert MARK.encode() in read(client, team_page)
    assert MARK.encode() in read(client, team_csv)
    for name, pk in (("team_summary", other_team.pk), ("service_summary", service.pk), ("team_pack", team.pk)):
        assert MARK.encode() not in read(client, reverse(f"leads:{name}", args=[pk, period.key]))
        assert MARK.encode() not in read(client, reverse(f"leads:{name}", args=[pk, period.previous().key]))
    for name, pk in (("team_summary_export", other_team.pk), ("service_summary_export", service.pk)):
        assert MARK.encode() not in read(client, reverse(f"leads:{name}", args=[pk, period.key]))
    assert MARK.encode() not in read(
        client, reverse("leads:team_summary_export", args=[team.pk, period.previous().key])
    )
    assert MARK.encode() not in read(
        client, reverse("leads:team_summary_statements_export", args=[team.pk, period.key])
    )


def test_a_reader_without_access_gets_a_404_and_nothing_stored_is_read(
    client, lead, other_lead, outsider, practitioner, team, question_set
):
    contributions(team, 6)
    period = latest_shown_period()
    urls = [
        reverse("leads:team_summary", args=[team.pk, period.key]),
        reverse("leads:team_pack", args=[team.pk, period.key]),
        reverse("leads:team_summary_export", args=[team.pk, period.key]),
    ]
    client.force_login(lead)
    for url in urls:
        read(client, url)
    assert mark_stored() == len(urls)
    for reader in (other_lead, outsider, practitioner):
        client.force_login(reader)
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 404
            assert MARK not in response.content.decode()
            assert not [q for q in queries.captured_queries if "publishedpart" in q["sql"].lower()]
    assert not SummaryAccess.objects.exclude(user=lead).exists()


def test_nothing_is_stored_for_a_period_until_it_is_published_and_then_only_what_was_published(
    client, lead, team, question_set
):
    with time_machine.travel(timezone.now(), tick=False):  # one moment: what is per request reads the same
        people = contributions(team, 6)
        client.force_login(lead)
        open_period = current_period()
        assert client.get(reverse("leads:team_summary", args=[team.pk, open_period.key])).status_code == 404
        assert client.get(reverse("leads:team_summary_export", args=[team.pk, open_period.key])).status_code == 404
        assert not PublishedPart.objects.exists()
        assert not PublishedPeriod.objects.exists()

        period = latest_shown_period()
        page = reverse("leads:team_summary", args=[team.pk, period.key])
        csv_url = reverse("leads:team_summary_export", args=[team.pk, period.key])
        first, first_csv = read(client, page), read(client, csv_url)
        # Every part is kept beside the publication it was rendered from.
        published = PublishedPeriod.objects.get(period_start=period.start)
        assert set(PublishedPart.objects.values_list("period_id", flat=True)) == {published.pk}
        assert "6 people took part" in first.decode() or "6 of 6 members took part" in first.decode()
        # A check-in deleted after publication moves nothing: not the figures, not what was rendered from them.
        checkin_delete(checkin=CheckIn.objects.filter(user=people[0]).get())
        assert read(client, page) == first
        assert read(client, csv_url) == first_csv
        forget_stored()
        assert read(client, page) == first


def test_a_part_is_kept_per_language(db, service, team, question_set, lead):
    period = latest_shown_period()
    renders = []

    def render(figures):
        renders.append(translation.get_language())
        return [f"in {translation.get_language()}"], {}

    def part():
        return published_part(
            user=lead, action="view", service=service, period=period, scope=SERVICE_SCOPE, page="test", render=render
        )

    with translation.override("en-gb"):
        assert part().segments == ["in en-gb"]
        assert part().segments == ["in en-gb"]
    with translation.override("cy"):
        assert part().segments == ["in cy"]
    assert renders == ["en-gb", "cy"]
    assert sorted(PublishedPart.objects.values_list("language", flat=True)) == ["cy", "en-gb"]


def test_a_change_of_template_or_code_renders_afresh(client, lead, team, question_set, monkeypatch):
    contributions(team, 6)
    client.force_login(lead)
    page = reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])
    read(client, page)
    mark_stored()
    assert MARK.encode() in read(client, page)
    monkeypatch.setattr(parts, "code_version", lambda: "another version of the templates")
    assert MARK.encode() not in read(client, page)
    assert PublishedPart.objects.count() == 2


def test_the_version_follows_the_template_and_module_sources(tmp_path, settings):
    template = tmp_path / "templates/assessments/leads/parts/top.html"
    module = tmp_path / "assessments/figures/summaries.py"
    for path, text in ((template, "<p>{{ cell.people }}</p>"), (module, "X = 1\n")):
        path.parent.mkdir(parents=True)
        path.write_text(text)
    settings.BASE_DIR = tmp_path

    def version_now() -> str:
        code_version.cache_clear()  # read once per process: a new process reads the files again
        return code_version()

    try:
        before = version_now()
        assert version_now() == before
        template.write_text("<p>{{ cell.people }} people</p>")
        after_template = version_now()
        module.write_text("X = 2\n")
        after_module = version_now()
    finally:
        code_version.cache_clear()
    assert len({before, after_template, after_module}) == 3


def test_a_group_size_setting_changes_the_part_too(client, lead, team, question_set, settings):
    contributions(team, 6)
    client.force_login(lead)
    page = reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])
    read(client, page)
    mark_stored()
    settings.SHARE_MIN_GROUP_SIZE = 12
    assert MARK.encode() not in read(client, page)


def test_two_first_reads_of_the_same_part_at_once_both_succeed_and_one_is_kept(db, service, team, question_set, lead):
    contributions(team, 6)
    period = latest_shown_period()

    def read_part(render):
        return published_part(
            user=lead, action="view", service=service, period=period, scope=SERVICE_SCOPE, page="test", render=render
        )

    def slower_server(figures):
        # Another server renders and stores the same part while this one is still rendering.
        assert read_part(lambda f: (["theirs"], {})).segments == ["theirs"]
        return ["ours"], {}

    assert read_part(slower_server).segments == ["ours"]
    assert list(PublishedPart.objects.values_list("segments", flat=True)) == [["theirs"]]
    assert read_part(slower_server).segments == ["theirs"]


def at(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 12))


def test_purging_a_period_past_retention_deletes_every_part_that_shows_it(client, lead, team, question_set, settings):
    settings.RETENTION_MONTHS = 2
    with time_machine.travel(at(2026, 3, 10), tick=False):
        contributions(team, 6)
    march, april = parse_period("2026-03"), parse_period("2026-04")
    with time_machine.travel(at(2026, 5, 2), tick=False):
        client.force_login(lead)
        for period in (march, april):
            read(client, reverse("leads:team_summary", args=[team.pk, period.key]))
            read(client, reverse("leads:team_summary_export", args=[team.pk, period.key]))
        # April's trend shows March: its parts are kept beside both.
        assert PublishedPart.objects.filter(trend_start=march.start).count() == 4
    with time_machine.travel(at(2026, 6, 2), tick=False):  # March is past retention, April is not
        client.force_login(lead)  # sessions end after 30 idle minutes
        april_page = read(client, reverse("leads:team_summary", args=[team.pk, april.key]))
        assert PublishedPart.objects.filter(trend_start=april.start).exists()  # March is shown as gone now
        call_command("purge_expired", stdout=io.StringIO())
        assert not PublishedPeriod.objects.filter(period_start=march.start).exists()
        assert not PublishedPart.objects.filter(trend_start=march.start).exists()
        assert not PublishedPart.objects.filter(period_start=march.start).exists()
        assert read(client, reverse("leads:team_summary", args=[team.pk, april.key])) == april_page


def test_the_nightly_purge_deletes_parts_rendered_by_an_earlier_release(client, lead, team, question_set, monkeypatch):
    contributions(team, 6)
    client.force_login(lead)
    page = reverse("leads:team_summary", args=[team.pk, latest_shown_period().key])
    monkeypatch.setattr(parts, "code_version", lambda: "the release before")
    read(client, page)
    monkeypatch.undo()
    first = read(client, page)
    assert PublishedPart.objects.count() == 2
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert "1 stored parts of lead pages from an earlier release" in out.getvalue()
    assert PublishedPart.objects.get().version == parts.parts_version()
    assert read(client, page) == first


def test_a_lead_who_reads_acts_waits_and_reads_again_sees_their_action_and_the_same_figures(
    client, lead, team, question_set
):
    """The curious lead's sequence: read a stored page, record an action within their powers, wait for the next
    period to end, read the same page again. The action and the link to the new period are there at once; the
    published figures are the very bytes stored on the first read, not rendered again."""
    with time_machine.travel(at(2026, 4, 10), tick=False):
        contributions(team, 6)
    april, may = parse_period("2026-04"), parse_period("2026-05")
    url = reverse("leads:team_summary", args=[team.pk, april.key])
    with time_machine.travel(at(2026, 5, 2), tick=False):
        client.force_login(lead)
        first = read(client, url).decode()
        stored = list(PublishedPart.objects.filter(period_start=april.start).values_list("pk", "segments"))
        assert stored and "A peer group every fortnight" not in first
        make_action(lead, team=team, starts_on=april.start)
        assert "A peer group every fortnight" in read(client, url).decode()
    with time_machine.travel(at(2026, 6, 2), tick=False):  # May has ended and is published on its first read
        client.force_login(lead)
        again = read(client, url).decode()
        assert "A peer group every fortnight" in again
        assert reverse("leads:team_summary", args=[team.pk, may.key]) in again and may.key not in first
        assert list(PublishedPart.objects.filter(period_start=april.start).values_list("pk", "segments")) == stored


def test_a_part_once_read_is_kept_in_memory_and_never_served_once_its_trend_has_moved_on(
    client, lead, team, question_set, settings
):
    """A stored part never changes, so a process keeps the ones it has read; the day a period of its trend passes
    retention, the page's key names the next period, and the copy in memory is never read again."""
    settings.RETENTION_MONTHS = 2
    with time_machine.travel(at(2026, 3, 10), tick=False):
        contributions(team, 6)
    april = reverse("leads:team_summary", args=[team.pk, "2026-04"])
    with time_machine.travel(at(2026, 5, 2), tick=False):
        client.force_login(lead)
        first = read(client, april)  # rendered and stored
        assert read(client, april) == first  # looked up, and kept
        with CaptureQueriesContext(connection) as queries:
            assert read(client, april) == first
        assert not [q for q in queries if "publishedpart" in q["sql"].lower()]  # from memory, not looked up
        assert "March 2026" in first.decode()
    with time_machine.travel(at(2026, 6, 2), tick=False):  # March is past retention
        client.force_login(lead)
        with CaptureQueriesContext(connection) as queries:
            moved_on = read(client, april)
        assert [q for q in queries if "publishedpart" in q["sql"].lower()]  # another key: looked up, then stored
        assert PublishedPart.objects.filter(trend_start=parse_period("2026-04").start).exists()
        assert moved_on != first
