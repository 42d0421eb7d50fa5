"""CSV cells a spreadsheet would run as a formula are written as text; everything else is written as it is."""

import csv
import io

import pytest

from assessments.core.spreadsheet import csv_rows, safe_cell

# One value for each way a cell can start a formula (OWASP, "CSV injection").
FORMULAS = ["=HYPERLINK(1)", "+1+cmd|'/C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "\n=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_a_spreadsheet_would_take_for_a_formula_gets_an_apostrophe_in_front(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["North team", "", "3.2", "17", "-2", "+0.5", "team = fine", "a-b", "'quoted"])
def test_ordinary_text_and_plain_numbers_are_written_as_they_are(value):
    assert safe_cell(value) == value


def test_a_number_followed_by_anything_else_is_not_taken_for_a_plain_number():
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("+44 20 7946 0000") == "'+44 20 7946 0000"
    assert safe_cell("-1\n") == "'-1\n"


def test_csv_rows_makes_every_text_cell_safe_and_writes_numbers_and_blanks_plainly():
    out = io.StringIO()
    csv_rows(out, ["name", "value", "missing"], [["=1+1", 4, None], ["North team", -3, ""], ["@x", 2.5, "\t=2"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["name", "value", "missing"],
        ["'=1+1", "4", ""],
        ["North team", "-3", ""],
        ["'@x", "2.5", "'\t=2"],
    ]
