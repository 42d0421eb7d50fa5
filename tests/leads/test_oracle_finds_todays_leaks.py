"""The oracle (tests/oracle.py) against the publication rules as they were before the auditor (core/disclosure.py):
small worlds sent through the app's own write path, published as a lead's first read publishes them, and judged by
a search for a second world consistent with every figure. Each leak the anonymity review of 2026-12 named is found;
a diverse world shows none, so the oracle is not crying wolf. tests/leads/test_auditor_oracle.py judges the same
worlds under today's rules, and random ones, and finds nothing."""

from __future__ import annotations

import copy
import random
from fractions import Fraction
from itertools import product

import pytest

from assessments.core.framework import DIMENSIONS
from assessments.figures import period_figures
from assessments.practitioner.questions import FIRST_EDITION_FILE, question_set_load
from tests.cast import new_team
from tests.oracle import (
    SCALE,
    SCORED,
    Oracle,
    Person,
    Statement,
    answer_mean_sums,
    band,
    judge,
    keyed,
    of,
    person_score,
    score_mean_sums,
    share_counts,
)
from tests.world import STANDALONE, SYSTEMIC, diverse, send

# Slow, so `make test` runs it and `make test-fast` leaves it out: CP-SAT searches, and brute force over small
# worlds.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def before_the_auditor(monkeypatch):
    """The rules before the auditor: the minimum group sizes and complementary suppression alone, means of people's
    scores, a statement nobody answered left out, every voice from ten answers."""
    monkeypatch.setattr(period_figures, "_audit", lambda *args, **kwargs: {})
    monkeypatch.setattr(period_figures, "_pooled", lambda *args, **kwargs: {})
    monkeypatch.setattr(period_figures, "_with_unanswered", lambda figures, asked: figures)
    monkeypatch.setattr(period_figures, "voice_isolates", lambda **kwargs: False)


# --- the rules of rounding ---------------------------------------------------------------------------------------


def test_the_allowed_counts_and_sums_are_exactly_those_the_app_rounds_to_each_shown_figure():
    for n in range(1, 61):
        for share in range(101):
            assert share_counts(share, n) == {c for c in range(n + 1) if round(100 * c / n) == share}, (share, n)
    assert share_counts(12, 8) == {1} and share_counts(38, 8) == {3}  # 12.5 and 37.5: half to even

    for n in range(1, 25):
        for total in range(0, 1000 * n + 1, 7):
            mean = round(total / 10 / n, 1)
            assert total in score_mean_sums(mean, n), (total, n)
            # Every other allowed sum shows the same mean, or lies exactly on a .x5 boundary (float sums may go
            # either way there).
            for other in (score_mean_sums(mean, n).start - 1, score_mean_sums(mean, n).stop):
                assert round(other / 10 / n, 1) != mean or 2 * abs(other - round(mean * 10) * n) == n
    for answers in range(1, 40):
        for total in range(answers, 5 * answers + 1):
            mean = round((total / answers - 1) / 4 * 100, 1)
            allowed = answer_mean_sums(mean, answers)
            assert total in allowed
            assert all(round((a / answers - 1) / 4 * 100, 1) == mean for a in allowed), (total, answers)

    assert person_score(4, 13, 5) == 562  # 56.25 stored as 56.2: half to even
    assert person_score(4, 15, 4) == 688  # 68.75 as 68.8
    assert person_score(2, 10, 5) is None  # fewer than half answered: no score
    assert keyed(2, reverse=True) == 4 and keyed(0, reverse=True) == 0


# --- a control: a diverse world shows nobody ---------------------------------------------------------------------


def test_in_a_diverse_team_of_twelve_the_oracle_finds_nothing_determined_even_knowing_one_colleague(
    service, team, question_set
):
    people = send(team, 12)
    oracle, leaks = judge(service, known=people[0].pk)
    assert leaks == []
    # Even a reader who also knows who left which statement blank (nobody here) learns nothing.
    assert Oracle(oracle.people, oracle.figures, people[0].pk, skips_known=True).leaks() == []
    # A world the oracle finds is one: here, the second person in another band of individual challenges.
    second = next(p for p in oracle.people if p.key == people[1].pk)
    answers = oracle.witness(second.key, "individual_challenges", "band")[second.key]
    mine = [s for s in second.statements if s.dimension == "individual_challenges" and s.kind == SCORED]
    row = [keyed(answers[s.code], s.reverse) for s in mine if answers[s.code]]
    was = [keyed(second.answer(s.code), s.reverse) for s in mine if second.answer(s.code)]
    assert band(person_score(len(row), sum(row), len(mine))) != band(person_score(len(was), sum(was), len(mine)))
    # And the cell was shown in full: means, band shares, every statement.
    cell = oracle.figures["cells"][str(team.pk)]
    assert cell["dims"][SYSTEMIC]["low"] is not None and cell["statements"]["sp_volume"]["n"] == 12


# --- 1. one person leaving one statement blank ---------------------------------------------------------------------


def test_one_person_leaving_one_statement_blank_gives_their_score_away_to_a_reader_who_knows_it_was_them(
    service, team, question_set
):
    """The statements' n (11 for sp_fit, 12 for the rest) and their shares give the team's answers to each; the mean
    of the scores then pins the sum of the one person with four answers instead of five. A reader who knows who
    skipped (they said so, or always do) has their score. Without that, only "whoever skipped" is pinned: the others'
    answers could be theirs."""
    skipper, *others = send(team, 12, lambda i: {**diverse(i), "sp_fit": None} if i == 0 else diverse(i))
    oracle, leaks = judge(service, skips_known=True)
    assert skipper.pk in of(leaks, "score", SYSTEMIC)
    assert not of(leaks, "score", SYSTEMIC) & {u.pk for u in others}
    world = oracle.witness(others[0].pk, SYSTEMIC, "score")
    assert world is not None and world[skipper.pk]["sp_fit"] is None  # the skipper keeps their blank

    # With blanks free, the same figures are also a world where someone else skipped and the skipper answered all.
    free = Oracle(oracle.people, oracle.figures).facet_leaks(SYSTEMIC)
    assert not of(free, "score")
    # The mean over every answer (the rule with "basis": "answers") says no more than the statements do.
    assert not of(Oracle(oracle.people, over_answers(oracle), skips_known=True).facet_leaks(SYSTEMIC), "score")


def over_answers(oracle: Oracle) -> dict:
    """The same figures with each shown systemic-pressures mean taken over every answer, as "basis": "answers" says."""
    figures = copy.deepcopy(oracle.figures)
    for key, cell in figures["cells"].items():
        figure = cell.get("dims", {}).get(SYSTEMIC)
        if cell.get("hidden") is None and figure and figure.get("hidden") is None:
            answers = [
                keyed(p.answer(s.code), s.reverse)
                for p in oracle.in_cell(key)
                for s in p.statements
                if s.dimension == SYSTEMIC and s.kind == SCORED and p.answer(s.code)
            ]
            figure.update(mean=round((sum(answers) / len(answers) - 1) / 4 * 100, 1), basis="answers")
    return figures


# --- 2. one person still on an older question set ----------------------------------------------------------------


def test_one_person_on_the_older_question_set_has_their_systemic_score_pinned(service, team, question_set):
    """v1 asks four systemic-pressures statements, v2 five (sp_say). sp_say's n says eleven answered v2; the one on
    v1 has four answers, and the mean of the scores minus what the statements give pins their sum."""
    question_set_load(path=FIRST_EDITION_FILE)  # v1 active: one person sends on it
    (old,) = send(team, 1, prefix="old")
    question_set_load()  # then v2 again, for everyone else
    rest = send(team, 11, lambda i: diverse(i + 1))
    oracle, leaks = judge(service)
    versions = {len(p.statements) for p in oracle.people if p.key == old.pk}
    assert versions == {25}  # v1's 25 statements
    assert old.pk in of(leaks, "score", SYSTEMIC)
    assert not of(leaks, "score", SYSTEMIC) & {u.pk for u in rest}


# --- 3. a group who all gave the same answer -----------------------------------------------------------------------


def test_when_all_twelve_agree_with_a_statement_each_ones_answer_is_known(service, team, question_set):
    people = send(team, 12, lambda i: {**diverse(i), "sp_volume": 4, "leave_because_of_work": 1})
    oracle, leaks = judge(service)
    everyone = {u.pk for u in people}
    assert of(leaks, "answer:sp_volume") == everyone  # all "agree"
    assert of(leaks, "answer:leave_because_of_work") == everyone  # all "never"
    assert {leak.what for leak in leaks} == {"answer:sp_volume", "answer:leave_because_of_work"}


def test_when_nobody_in_a_team_answers_the_intention_to_leave_its_absence_says_so_of_each(service, team, question_set):
    """Not in MODEL.md's list, found by the oracle: a shown team whose figures leave out a statement says that nobody
    in it answered it, so each person's blank is known (answering, even all alike, is the leak above)."""
    people = send(team, 12, lambda i: {**diverse(i), "leave_because_of_work": None})
    oracle, leaks = judge(service)
    assert "leave_because_of_work" not in oracle.figures["cells"][str(team.pk)]["statements"]
    assert of(leaks, "answer:leave_because_of_work") == {u.pk for u in people}
    assert {leak.what for leak in leaks} == {"answer:leave_because_of_work"}


# --- 4. the service total minus the teams that are shown ----------------------------------------------------------


def test_the_service_minus_the_shown_team_gives_away_the_bands_of_a_uniform_hidden_remainder(service, question_set):
    """Three teams: twelve in one (shown), three in each of the others (hidden: too few). The hidden six all answered
    every statement at the top; the service's figures minus the shown team's leave them nowhere else to be."""
    shown, small, smaller = new_team(service, "A team"), new_team(service, "B team"), new_team(service, "C team")
    open_ = send(shown, 12)
    top = {d.slug: 5 for d in DIMENSIONS} | {code: 5 for code in STANDALONE}
    hidden = send(small, 3, lambda i: top) + send(smaller, 3, lambda i: top)
    oracle, leaks = judge(service)
    cells = oracle.figures["cells"]
    assert cells[str(small.pk)]["hidden"] == cells[str(smaller.pk)]["hidden"] == "too_few"
    assert cells["service"]["hidden"] is None
    for d in DIMENSIONS:
        assert of(leaks, "band", d.slug) == {u.pk for u in hidden}, d.slug
    assert not {leak.person for leak in leaks} & {u.pk for u in open_}


# --- 5. made-up colleagues ----------------------------------------------------------------------------------------


def test_a_reader_who_knows_four_of_five_colleagues_answers_has_the_fifths_scores(service, team, question_set):
    """Five members of long standing check in: four of them the reader's own (made up, or simply telling), one real.
    The team's means are shown (five people), and less the four known scores they are the fifth's."""
    real, *made_up = send(team, 5)
    oracle, leaks = judge(service, known=[u.pk for u in made_up])
    for d in DIMENSIONS:
        assert real.pk in of(leaks, "score", d.slug), d.slug
        assert real.pk in of(leaks, "band", d.slug), d.slug
    assert {leak.person for leak in leaks} == {real.pk}


# --- the oracle against brute force, on worlds small enough to enumerate ---------------------------------------------


def tiny_figures(world, statements, *, basis: bool = False, shares_from: int = 3) -> tuple[dict, Fraction | None]:
    """The figures of one team of three (its service the same three), by the rules as MODEL.md states them, with
    means from 3 people and shares from `shares_from`; and the mean before rounding, so that brute force takes a tie
    both ways, as the oracle does."""
    slug = statements[0].dimension
    rows = [
        (sum(1 for s in statements if a[s.code]), sum(keyed(a[s.code], s.reverse) for s in statements)) for a in world
    ]
    scores = [t for t in (person_score(k, total, len(statements)) for k, total in rows) if t is not None]
    n, exact, dim = len(scores), None, {"hidden": "too_few"}
    if n >= 3:
        if basis:
            exact = 25 * (Fraction(sum(t for _, t in rows), sum(k for k, _ in rows)) - 1)
        else:
            exact = Fraction(sum(scores), 10 * n)
        low, high = sum(t < 400 for t in scores), sum(t >= 600 for t in scores)
        dim = {"hidden": None, "mean": round(float(exact), 1), "shares_hidden": None}
        if n < shares_from:
            dim["shares_hidden"] = "shares_too_few"
        else:
            dim |= {"low": round(100 * low / n), "middle": round(100 * (n - low - high) / n)}
            dim |= {"high": round(100 * high / n)}
        if basis:
            dim["basis"] = "answers"
    said = {}
    for s in statements:
        counts = [sum(a[s.code] == v for a in world) for v in SCALE]
        n_s = sum(counts)
        if s.published and n_s:
            said[s.code] = (
                {"hidden": "shares_too_few"}
                if n_s < shares_from
                else {
                    "hidden": None,
                    "n": n_s,
                    "shares": [round(100 * c / n_s) for c in counts],
                    "top": round(100 * (counts[3] + counts[4]) / n_s),
                    "bottom": round(100 * (counts[0] + counts[1]) / n_s),
                }
            )
    cell = {"people": 3, "members": 3, "hidden": None, "dims": {slug: dim}, "statements": said}
    figures = {"min_group_size": 3, "share_min_group_size": shares_from, "cells": {"1": cell, "service": cell}}
    return figures, exact


def tiny_differs(statements, truth: dict, other: dict, what: str) -> bool:
    if what.startswith("answer:"):
        return truth[what[7:]] != other[what[7:]]
    scored = []
    for answers in (truth, other):
        k = sum(1 for s in statements if answers[s.code])
        total = sum(keyed(answers[s.code], s.reverse) for s in statements)
        scored.append((k, total, person_score(k, total, len(statements))))
    (k0, total0, score0), (k, total, score) = scored
    if what == "band":
        return band(score0) != band(score)
    if score0 is None or score is None:
        return (score0 is None) != (score is None)
    return abs(Fraction(total, k) - Fraction(total0, k0)) > Fraction(1, k0)


def tiny_worlds(statements, basis: bool, shares_from: int) -> dict[str, dict[Fraction | None, list]]:
    """Every world of three people answering the statements, by what a reader sees of it (the mean aside) and by
    its mean before rounding."""
    answers = [dict(zip((s.code for s in statements), v, strict=True)) for v in product(range(6), repeat=2)]
    by_shape: dict[str, dict[Fraction | None, list]] = {}
    for world in product(answers, repeat=3):
        figures, exact = tiny_figures(world, statements, basis=basis, shares_from=shares_from)
        by_shape.setdefault(tiny_shape(figures, statements), {}).setdefault(exact, []).append(world)
    return by_shape


def tiny_shape(figures: dict, statements) -> str:
    cell = figures["cells"]["1"]
    return repr({**cell["dims"][statements[0].dimension], "mean": None}) + repr(cell["statements"])


@pytest.mark.parametrize(
    "shown, basis, shares_from",
    [(True, False, 3), (True, True, 3), (False, False, 3), (False, False, 4)],
    ids=["statements shown", "mean over answers", "statements not shown", "means alone"],
)
def test_on_worlds_small_enough_to_enumerate_the_oracle_agrees_with_brute_force(shown, basis, shares_from):
    """Three people answering two statements (one reverse-keyed): 46,656 worlds, each tried, for thirty truths."""
    dimension = "systemic_pressures" if shown else "individual_challenges"
    statements = (
        Statement("s1", dimension, published=shown),
        Statement("s2", dimension, reverse=True, published=shown),
    )
    by_shape = tiny_worlds(statements, basis, shares_from)
    rng = random.Random(20260406)
    whats = ["score", "band", *([f"answer:{s.code}" for s in statements] if shown else [])]
    for trial in range(30):
        truth = [{s.code: rng.choice((0, 1, 2, 3, 3, 4, 4, 5)) for s in statements} for _ in range(3)]
        known = [0] if trial % 2 else []
        figures, _exact = tiny_figures(truth, statements, basis=basis, shares_from=shares_from)
        mean = figures["cells"]["1"]["dims"][dimension].get("mean")
        worlds = [
            world
            for exact, group in by_shape[tiny_shape(figures, statements)].items()
            if mean is None or abs(exact - Fraction(str(mean))) <= Fraction(1, 20)
            for world in group
            if all(world[i] == truth[i] for i in known)
        ]
        states = {i: {tuple(world[i].items()) for world in worlds} for i in range(3) if i not in known}
        expected = {
            (i, what)
            for i, theirs in states.items()
            for what in whats
            if not any(tiny_differs(statements, truth[i], dict(state), what) for state in theirs)
        }
        people = [Person(i, "1", statements, truth[i]) for i in range(3)]
        found = {(leak.person, leak.what) for leak in Oracle(people, figures, known).facet_leaks(dimension)}
        assert found == expected, (truth, known)
