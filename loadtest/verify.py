"""After a load test: compare the database with what the clients were told, and print the figures.

Exits non-zero if any acknowledged check-in is missing or not stored whole, if any sent check-in is half-stored,
or if the server answered with a 5xx other than the 503 "try again" page during an expected outage.

"Whole" is judged by the app's own rules, never a copy of them: what a client sent is read by the page's own form
(StepForm), and a sent check-in's scores must be exactly what the app's scoring gives its stored answers
(`dimension_results`, as sending stores them): a dimension with fewer than half of its statements answered has no
score, and "does not apply" and the statements that are not scored count towards none.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")

import django  # noqa: E402

django.setup()

from django.http import QueryDict  # noqa: E402
from django.urls import Resolver404, ResolverMatch, resolve  # noqa: E402

from assessments.core.steps import get_step  # noqa: E402
from assessments.models import Answer, CheckIn, DimensionScore, Reflection  # noqa: E402
from assessments.practitioner.checkins import dimension_results, scored_statements  # noqa: E402
from assessments.practitioner.forms import StepForm  # noqa: E402
from assessments.practitioner.questions import step_questions  # noqa: E402

ACCESS_LINE = re.compile(r'\[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) ')


def _resolve(url: str) -> ResolverMatch | None:
    try:
        return resolve(urlsplit(url).path)
    except Resolver404:
        return None


def sent_in_walk(posts: list, checkin: CheckIn) -> tuple[dict[int, int], dict[str, str]]:
    """The answers (by question id) and reflections (by phase) a client's walk left on `checkin`: for each page, the
    last form it sent there, read by the page's own form as the app read it."""
    pages: dict[str, tuple] = {}
    for url, fields in posts:
        match = _resolve(url)
        if match is None or match.view_name != "practitioner:checkin_step" or match.kwargs["pk"] != checkin.pk:
            continue
        step = get_step(match.kwargs["step_slug"])
        if step is None or not step.asks_questions:
            continue
        questions = step_questions(checkin.question_set_id, step)
        form = StepForm(QueryDict(urlencode([(k, v) for k, v in fields])), questions=questions, step=step)
        if form.is_valid():  # a form the app refused saved nothing
            pages[step.slug] = (step, form.answers(), form.cleaned_data.get("reflection"))
    answers = {qid: value for _, given, _ in pages.values() for qid, value in given.items() if value is not None}
    reflections = {step.phase.slug: text.strip() for step, _, text in pages.values() if text and text.strip()}
    return answers, reflections


def scores_as_the_app_gives_them(checkin: CheckIn, statements: dict[int, Counter]) -> str | None:
    """None if the check-in's stored scores are what the app's scoring gives its stored answers, else what differs.
    Reads `checkin.answers` (with their questions) and `checkin.scores` as prefetched, if they are."""
    if checkin.question_set_id not in statements:
        statements[checkin.question_set_id] = scored_statements(checkin.question_set_id)
    results = dimension_results(checkin.answers.all(), statements[checkin.question_set_id])
    due = {slug: (r.score, r.answered) for slug, r in results.items() if r.score is not None}
    stored = {s.dimension: (s.score, s.answered) for s in checkin.scores.all()}
    if stored == due:
        return None
    missing = sorted(set(due) - set(stored))
    extra = sorted(set(stored) - set(due))
    different = sorted(k for k in set(due) & set(stored) if due[k] != stored[k])
    return (
        f"check-in {checkin.pk}: its scores are not what its answers give "
        f"(missing: {missing or 'none'}; not due: {extra or 'none'}; different: {different or 'none'})"
    )


def check_acknowledged(acks: list[dict]) -> tuple[list[str], int]:
    """Problems found, and how many acknowledged check-ins are stored whole."""
    problems: list[str] = []
    whole = 0
    statements: dict[int, Counter] = {}
    for ack in acks:
        before = len(problems)
        match = _resolve(ack["sent"])
        if match is None or match.view_name != "practitioner:checkin_sent":
            problems.append(f"{ack['username']} was told {ack['sent']} acknowledged a check-in; it does not")
            continue
        checkin = CheckIn.objects.filter(pk=match.kwargs["pk"], user__username=ack["username"]).first()
        if checkin is None:
            problems.append(f"check-in {match.kwargs['pk']} was acknowledged but is not stored")
            continue
        if not checkin.is_submitted or checkin.submitted_at is None:
            problems.append(f"check-in {checkin.pk} was acknowledged but is still a draft")
        answers, reflections = sent_in_walk(ack["posts"], checkin)
        if dict(Answer.objects.filter(checkin=checkin).values_list("question_id", "value")) != answers:
            problems.append(f"check-in {checkin.pk}: stored answers differ from the ones sent")
        # Whole objects, not values_list(): sealed words open only with their row (docs/adr/0008).
        if {r.phase: r.text for r in Reflection.objects.filter(checkin=checkin)} != reflections:
            problems.append(f"check-in {checkin.pk}: stored reflections differ from the ones sent")
        if (scores := scores_as_the_app_gives_them(checkin, statements)) is not None:
            problems.append(scores)
        whole += len(problems) == before
    return problems, whole


def check_nothing_half_stored() -> list[str]:
    """Every sent check-in has exactly the scores its answers give; no draft has any."""
    problems = []
    statements: dict[int, Counter] = {}
    submitted = CheckIn.objects.filter(status=CheckIn.Status.SUBMITTED).prefetch_related("answers__question", "scores")
    for checkin in submitted.order_by("pk").iterator(chunk_size=500):
        if (scores := scores_as_the_app_gives_them(checkin, statements)) is not None:
            problems.append(f"sent {scores}")
    if DimensionScore.objects.filter(checkin__status=CheckIn.Status.DRAFT).exists():
        problems.append("a draft check-in has scores")
    return problems


def page_figures(stats_csv: Path) -> list[dict]:
    with stats_csv.open() as f:
        return [row for row in csv.DictReader(f)]


def server_statuses(access_log: Path) -> tuple[Counter, str, int]:
    """Responses by status; when 503s were served (first to last, to the second); answers after the last one."""
    statuses: Counter = Counter()
    times_503: list[str] = []
    after_last_503 = 0
    for line in access_log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match:
            statuses[match["status"]] += 1
            if match["status"] == "503":
                times_503.append(match["time"].split(":", 1)[1].split()[0])
                after_last_503 = 0
            elif match["status"][0] in "23":
                after_last_503 += 1
    window = f"{times_503[0]} to {times_503[-1]} UTC" if times_503 else "none"
    return statuses, window, after_last_503


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results", type=Path)
    parser.add_argument("--expect-outage", action="store_true")
    parser.add_argument("--users", default="?")
    parser.add_argument("--duration", default="?")
    args = parser.parse_args()
    out = args.results

    ack_file = out / "acks.jsonl"
    acks = [json.loads(line) for line in ack_file.read_text().splitlines()] if ack_file.exists() else []
    problems, whole = check_acknowledged(acks)
    problems += check_nothing_half_stored()
    stored = CheckIn.objects.filter(status=CheckIn.Status.SUBMITTED, user__username__startswith="load-pwp-").count()
    drafts = CheckIn.objects.filter(status=CheckIn.Status.DRAFT, user__username__startswith="load-pwp-").count()
    statuses, window_503, after_last_503 = server_statuses(out / "gunicorn.log")
    fives = {s: n for s, n in statuses.items() if s.startswith("5")}
    unexpected = {s: n for s, n in fives.items() if not (args.expect_outage and s == "503")}
    if unexpected:
        problems.append(f"the server answered with unexpected 5xx: {unexpected}")
    outage = json.loads((out / "outage.json").read_text()) if (out / "outage.json").exists() else {}
    rows = page_figures(out / "locust_stats.csv")

    lines = [f"Users: {args.users} for {args.duration}", ""]
    lines += ["| page | requests | failures | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} "
            f"| {float(row['Max Response Time']):.0f} |"
        )
    lines += [
        "",
        f"Server responses by status: {dict(sorted(statuses.items()))}",
        f"5xx responses: {sum(fives.values())} ({fives or 'none'})",
    ]
    if args.expect_outage:
        lines.append(f"503 'try again' pages seen by clients, then retried: {sum(outage.values())} {outage}")
        lines.append(f"503s served from {window_503}; requests answered normally after the last one: {after_last_503}")
        if not after_last_503:
            problems.append("the service did not recover after the outage")
    lines += [
        f"Check-ins acknowledged to clients: {len(acks)}",
        f"Check-ins stored as submitted: {stored} (drafts left open when the run stopped: {drafts})",
        f"Acknowledged check-ins stored whole (answers, reflections, scores by the app's rule): {whole} of {len(acks)}",
        f"Problems: {len(problems)}",
    ]
    lines += [f"  - {p}" for p in problems[:20]]
    report = "\n".join(lines)
    print(report)
    (out / "summary.md").write_text(report + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
