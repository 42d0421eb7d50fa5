"""One mailbox, one person: addresses are compared by the mailbox they reach."""

import pytest

from assessments.core.mailboxes import ascii_lower, mailbox


@pytest.mark.parametrize(
    "address",
    [
        "lena@trust.nhs.uk",
        "lena+1@trust.nhs.uk",
        "Lena+Team.Two@Trust.NHS.uk",
        "  LENA@trust.nhs.uk  ",
        "lena+@trust.nhs.uk",
    ],
)
def test_a_plus_tag_and_capitals_reach_the_same_mailbox(address):
    assert mailbox(address) == "lena@trust.nhs.uk"


@pytest.mark.parametrize("address", ["lena.smith@trust.nhs.uk", "lenab@trust.nhs.uk", "lena@trust.nhs.uk.example"])
def test_a_different_local_part_or_domain_is_a_different_mailbox(address):
    assert mailbox(address) != "lena@trust.nhs.uk"


def test_only_a_to_z_are_lower_cased_so_no_other_letter_turns_into_one():
    """The Kelvin sign lower-cases to k, and the dotted capital I to i and a dot, under Unicode's rules."""
    assert mailbox("\u212aate@trust.nhs.uk") != mailbox("kate@trust.nhs.uk")
    assert ascii_lower("\u0130\u212aÉ") == "\u0130\u212aÉ"
    assert ascii_lower("AZaz09@+") == "azaz09@+"


def test_text_without_an_at_is_no_mailbox_of_any_address():
    assert mailbox("lena+1") == "lena+1"
    assert mailbox("") == ""
