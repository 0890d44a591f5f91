"""What a metric's label and period say to a reader: the value's qualifier ("over") and one date style ("Q4 2027")."""

from __future__ import annotations

import re
from datetime import date

# A metric's label ends in the source's own qualifier, in brackets: "Qwen derivative models on
# Hugging Face (over)". The stored value is the bare number (100000) so charts and checks compute
# with it; printed alone it would claim more precision than the source did, so a briefing prints
# the qualifier with it ("over 100,000"). Keys are the words found in labels, values what is
# printed before the number; a bracket that opens with one ("(roughly 1/180th)", "(more than,
# claimed)") counts too. A bracket that opens with none ("(low)", "(an estimate)", "(doubled)") is
# part of the label's name, not a qualifier.
QUALIFIERS: dict[str, str] = {
    "over": "over",
    "more than": "more than",
    "exceeding": "over",
    "exceed": "over",
    "surpassed": "over",
    "surpass": "over",
    "at least": "at least",
    "about": "about",
    "approximately": "about",
    "roughly": "about",
    "around": "about",
    "nearly": "nearly",
    "almost": "almost",
    "up to": "up to",
    "could reach": "up to",
    "less than": "less than",
    "under": "under",
}
_TRAILING = re.compile(r"\s*\((?P<q>[^()]{1,40})\)\s*$")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_SPAN = re.compile(r"^(\d{4})\s*[–—-]\s*(\d{4})?$")


def split_label(label: str) -> tuple[str, str]:
    """"Qwen models (over)" -> ("Qwen models", "over"); a label with no known qualifier -> (label, "")."""
    m = _TRAILING.search(label)
    if m is None:
        return label, ""
    said = " ".join(m["q"].split()).casefold()
    for key in sorted(QUALIFIERS, key=len, reverse=True):  # "more than" before "more"
        if said == key or (said.startswith(key) and not said[len(key)].isalpha()):
            return label[: m.start()].rstrip(), QUALIFIERS[key]
    return label, ""


def qualified(value: str, qualifier: str) -> str:
    """"100,000" with "over" -> "over 100,000"."""
    return f"{qualifier} {value}" if qualifier and value else value


def parse_day(text: str) -> date | None:
    """"2026-02-16" -> that date; None for anything else (or a day that does not exist)."""
    m = _DAY.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def period_text(period: str) -> str:
    """A period in the one date style of tables, tiles, text and charts: "2027-Q4" -> "Q4 2027",
    "2026-03" -> "March 2026", "2026-02-16/2026-02-22" -> "16–22 February 2026", "2024-01/2026-03"
    -> "January 2024 – March 2026", "2017-2020" -> "2017–2020". Anything else ("late 2026") as written."""
    text = period.strip()
    if not text or _YEAR.match(text):
        return text
    if m := _MONTH.match(text):
        month = int(m[2])
        return f"{_MONTHS[month - 1]} {m[1]}" if 1 <= month <= 12 else text
    if d := parse_day(text):
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    if m := _QUARTER.match(text):
        return f"Q{m[2]} {m[1]}"
    if m := _HALF.match(text):
        return f"H{m[2]} {m[1]}"
    if m := _SPAN.match(text):
        return f"{m[1]}–{m[2]}" if m[2] else f"{m[1]} onward"
    if "/" in text:
        a, _, b = (part.strip() for part in text.partition("/"))
        d1, d2 = parse_day(a), parse_day(b)
        if d1 and d2 and d1.year == d2.year:
            if d1.month == d2.month:
                return f"{d1.day}–{d2.day} {_MONTHS[d1.month - 1]} {d1.year}"
            return f"{d1.day} {_MONTHS[d1.month - 1]} – {d2.day} {_MONTHS[d2.month - 1]} {d1.year}"
        first, last = period_text(a), period_text(b)
        if first != a or last != b:  # at least one end is a period we know: "January 2024 – March 2026"
            return f"{first} – {last}"
    return text


def period_start(period: str) -> date | None:
    """The first day a period covers: "2021" -> 1 January 2021, "2027-Q4" -> 1 October 2027,
    "2025-H2" -> 1 July 2025, "2017–2020" -> 1 January 2017; None for a period with no date ("late 2026")."""
    text = period.strip()
    if _YEAR.match(text) or _SPAN.match(text):
        return date(int(text[:4]), 1, 1)
    if m := _MONTH.match(text):
        month = int(m[2])
        return date(int(m[1]), month, 1) if 1 <= month <= 12 else None
    if d := parse_day(text):
        return d
    if m := _QUARTER.match(text):
        return date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
    if m := _HALF.match(text):
        return date(int(m[1]), 1 if m[2] == "1" else 7, 1)
    if "/" in text:
        return period_start(text.partition("/")[0])
    return None


def partial_date(value: date | None) -> str:
    """A date stored from "2026-04" (2026-04-01) or "2026" (2026-01-01) as it was given: "April 2026",
    "2026"; a full date as "16 February 2026"; None as ""."""
    if value is None:
        return ""
    if value.month == 1 and value.day == 1:
        return str(value.year)
    if value.day == 1:
        return f"{_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
