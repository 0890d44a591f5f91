"""What a metric's label and period say to a reader: the value's qualifier ("over") and one date style ("Q4 2027")."""

from __future__ import annotations

import re

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
_QUARTER = re.compile(r"^(?P<y>\d{4})-(?P<p>[QH][1-4])$")
_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_DAY = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")


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


def period_text(period: str) -> str:
    """A period in the briefing's one date style: "2027-Q4" -> "Q4 2027", "2026-03" -> "March 2026",
    "2024-01/2026-03" -> "January 2024 – March 2026". Anything else ("2026", "late 2026") as written."""
    text = period.strip()
    if "/" in text:
        parts = [period_text(p) for p in text.split("/")]
        return " – ".join(p for p in parts if p)
    if m := _QUARTER.match(text):
        return f"{m['p']} {m['y']}"
    if (m := _MONTH.match(text)) and 1 <= int(m["m"]) <= 12:
        return f"{_MONTHS[int(m['m']) - 1]} {m['y']}"
    if (m := _DAY.match(text)) and 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31:
        return f"{int(m['d'])} {_MONTHS[int(m['m']) - 1]} {m['y']}"
    return text
