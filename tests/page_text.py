"""What a person reads on a page, for tests that ask what it says: the text of chosen parts, split into sentences,
and the phone numbers that are not a link to call or text them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A phone number as the pages write one: three or more digits, in groups split by single spaces (999, 111,
# 116 123, 85258, 0300 0303 300).
PHONE_NUMBER = re.compile(r"(?<![\w/.-])\d{3,}(?: \d{3,})*(?![\w/-]|\.\d)")
CALL_OR_TEXT = ("tel:", "sms:")


class _Reader(HTMLParser):
    def __init__(self, wanted: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.stack: list[tuple[str, dict]] = []
        self.parts: dict[str, list[str]] = {}
        # Each piece of text with the href of the link it sits in ("" if none), and whether it is in a wanted part.
        self.texts: list[tuple[str, str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if any(t in ("script", "style") for t, _ in self.stack):
            return
        href = next((a.get("href") or "" for t, a in reversed(self.stack) if t == "a"), "")
        keys = {k for _tag, a in self.stack for k in (a.get("id"), a.get("aria-labelledby")) if k in self.wanted}
        for key in keys:  # once each, though a section and its heading both name it
            self.parts.setdefault(key, []).append(data)
        self.texts.append((data, href, bool(keys)))


def text_of(html: str, *keys: str) -> str:
    """The text inside the elements whose id (or aria-labelledby) is one of `keys`, in page order, as one string."""
    reader = _Reader(set(keys))
    reader.feed(html)
    return re.sub(r"\s+", " ", " ".join("".join(reader.parts.get(k, [])) for k in keys)).strip()


def sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace tidied: split after a full stop, a question or exclamation mark, or a
    closing quote, where a new sentence starts."""
    text = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in re.split(r"(?<=[.?!”])\s+(?=[A-Z“])", text) if s.strip()]


def words(text: str) -> int:
    return len(re.findall(r"[\w’'-]+", text))


def numbers_not_linked(html: str, *keys: str) -> list[str]:
    """Phone numbers in the elements named by `keys` (the whole page if none) that are not inside a tel: or sms:
    link, and links whose number is not the one they show."""
    reader = _Reader(set(keys))
    reader.feed(html)
    problems = []
    for data, href, inside in reader.texts:
        if keys and not inside:
            continue
        for number in PHONE_NUMBER.findall(data):
            digits = number.replace(" ", "")
            if not href.startswith(CALL_OR_TEXT):
                problems.append(f"{number}: not a link to call or text")
            elif re.sub(r"\D", "", href.split("?")[0]) != digits:
                problems.append(f"{number}: the link goes to {href}")
    return problems
