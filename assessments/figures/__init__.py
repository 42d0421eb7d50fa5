"""The figures: where the two sides meet, and the only place a person's answers become a team's numbers.

- `contributions.py` is the one door in. When a practitioner sends or deletes a check-in, it keeps what that person
  passes on to the figures of each period (their dimension scores, the answers to the statements leads may see, what
  got in the way of their moves). It is the only module here that reads check-ins or private data, and only the
  check-in's writes (and the demo) call it.
- `publication.py` publishes an ended period once, in one snapshot: counts, then the auditor
  (`assessments/core/disclosure.py`) decides over every figure a reader will see at once what may be shown, and only
  that is stored. `statement_counts.py` and `obstacle_counts.py` are its grouped counts; `voices.py` keeps the team's
  answers on actions, counted only at publication.
- `summaries.py` reads the published figures back for the leads' pages and CSVs.

Nothing here renders a page: the leads' side (`assessments/leads/`) does, and reads only what was published.
"""
