"""After a load test: compare the database with what the clients were told, and print the figures.

Exits non-zero if any acknowledged check-in is missing or not stored whole, if any check-in is half-stored,
or if the server answered with a 5xx other than the 503 "try again" page during an expected outage.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience_site.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from assessments.models import Answer, CheckIn, DimensionScore, Reflection  # noqa: E402

ACCESS_LINE = re.compile(r'\[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) ')


def check_acknowledged(acks: list[dict]) -> tuple[list[str], int]:
    """Problems found, and how many acknowledged check-ins are stored whole."""
    problems: list[str] = []
    whole = 0
    for ack in acks:
        before = len(problems)
        checkin = CheckIn.objects.filter(pk=ack["checkin"], user__username=ack["username"]).first()
        if checkin is None:
            problems.append(f"check-in {ack['checkin']} was acknowledged but is not stored")
            continue
        if not checkin.is_submitted or checkin.submitted_at is None:
            problems.append(f"check-in {checkin.pk} was acknowledged but is still a draft")
        stored = dict(Answer.objects.filter(checkin=checkin).values_list("question_id", "value"))
        if stored != {int(q): v for q, v in ack["answers"].items()}:
            problems.append(f"check-in {checkin.pk}: stored answers differ from the ones sent")
        # Whole objects, not values_list(): sealed words open only with their row (docs/adr/0008).
        reflections = {r.phase: r.text for r in Reflection.objects.filter(checkin=checkin)}
        if reflections != ack["reflections"]:
            problems.append(f"check-in {checkin.pk}: stored reflections differ from the ones sent")
        if DimensionScore.objects.filter(checkin=checkin).count() != 7:
            problems.append(f"check-in {checkin.pk}: does not have its 7 dimension scores")
        whole += len(problems) == before
    return problems, whole


def check_nothing_half_stored() -> list[str]:
    problems = []
    submitted = CheckIn.objects.filter(status=CheckIn.Status.SUBMITTED)
    for row in submitted.annotate(n=Count("scores")).filter(n=0).values("pk"):
        problems.append(f"submitted check-in {row['pk']} has no scores")
    answered = (
        Answer.objects.filter(checkin__status=CheckIn.Status.SUBMITTED)
        .values("checkin")
        .annotate(dimensions=Count("question__dimension", distinct=True))
    )
    scored = dict(
        DimensionScore.objects.values("checkin").annotate(n=Count("pk")).values_list("checkin", "n").order_by()
    )
    for row in answered:
        if scored.get(row["checkin"]) != row["dimensions"]:
            problems.append(f"submitted check-in {row['checkin']} has scores for some answered dimensions only")
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
        f"Acknowledged check-ins stored whole (answers, reflections, 7 scores): {whole} of {len(acks)}",
        f"Problems: {len(problems)}",
    ]
    lines += [f"  - {p}" for p in problems[:20]]
    report = "\n".join(lines)
    print(report)
    (out / "summary.md").write_text(report + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
