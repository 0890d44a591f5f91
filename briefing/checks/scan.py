"""Finds the claims in a piece of prose: numbers, multiples, durations and magnitudes, with their qualifiers.

Years, dates, quarters, ordinals, section numbers and product names ("Ascend 960", "Qwen 3.5",
"GPT-4", "910C") are not claims and are never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from briefing.checks.tolerances import QUALIFIERS
from briefing.domain.errors import ValidationError
from briefing.domain.model import Scale
from briefing.domain.numbers import parse_number


@dataclass(frozen=True)
class Mention:
    """One number a text states. `unit` is "%", "×", "1/x", a currency code or "" (a plain count)."""

    text: str
    value: Decimal
    scale: Scale | None = None
    unit: str = ""
    qualifier: str | None = None

    @property
    def absolute(self) -> Decimal:
        return self.value * self.scale.factor if self.scale else self.value

    @property
    def places(self) -> int:
        """Decimal places as written: "5.16" -> 2, "600,000" -> 0."""
        exponent = self.value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass(frozen=True)
class Duration:
    """ "in six weeks": a span of `count` `unit`s (day, week, month, year)."""

    text: str
    count: Decimal
    unit: str
    qualifier: str | None = None


@dataclass(frozen=True)
class Magnitude:
    """ "hundreds of billions": a value from `low` (inclusive) to `high` (exclusive)."""

    text: str
    low: Decimal
    high: Decimal


WORD_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "fifty": 50, "hundred": 100,
}
_WORD_MULTIPLES = {"twice": 2, "double": 2, "doubled": 2, "doubling": 2, "triple": 3, "tripled": 3,
                   "tripling": 3, "quadruple": 4, "quadrupled": 4}
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_LABEL_WORDS = re.compile(r"(?:section|figure|fig\.|table|chapter|page|part|step|no\.|version|phase|tier|level)\s$",
                          re.IGNORECASE)
# Capitalised words that precede quantities at the start of a sentence; any other capitalised word
# straight before a bare number names a product or a model ("Ascend 960", "Ernie 4.5").
_NOT_NAMES = frozenset({
    "about", "over", "nearly", "almost", "some", "up", "only", "just", "by", "in", "with", "from", "to",
    "and", "roughly", "approximately", "around", "the", "than", "of", "all", "at", "exactly", "more",
    "less", "under", "another", "every", "each", "its", "their", "more than", "fewer",
})

_QUALIFIER = re.compile(
    r"\b(?:(?P<q>" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)) + r")\s+)$",
    re.IGNORECASE,
)

# A number with its currency, scale, percent or multiple sign, as prose and the app print it:
# "$0.028", "5.16 trillion", "5.16T", "61%", "6.7×", "6.7 times", "1,000-fold", "30+", "1/180th".
# The look-behind keeps off the middle of words, version strings ("M2.5"), codes ("GPT-4") and the
# far end of a range ("16–22"), which is read with its start.
_NUMBER = re.compile(
    r"(?<![\w.,/\-–—])"
    r"(?P<frac>1/(?P<den>\d+)(?:st|nd|rd|th)?(?![\w]))"
    r"|(?<![\w.,/\-–—])"
    r"(?P<cur>US\$|CN¥|\$|¥|€|£)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<plus>\+)?"
    r"(?:(?P<pct>\s?%|\s(?:per\s?cent|percent)\b)|(?P<mult>\s?[×x](?![A-Za-z0-9])|\s+times\b|-fold\b))?"
    r"(?:\s(?P<scale>thousand|million|billion|trillion)\b|(?P<short>[KMBT]|bn|tn)(?![A-Za-z0-9]))?"
    r"(?P<range>\s?[–—-]\s?(?P<cur2>US\$|CN¥|\$|¥|€|£)?(?P<num2>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<pct2>\s?%)?(?:\s(?P<scale2>thousand|million|billion|trillion)\b)?)?"
)
_WORD_MULTIPLE = re.compile(
    r"\b(?:(?P<word>twice|double|doubled|doubling|triple|tripled|tripling|quadruple|quadrupled)"
    r"|(?P<n>" + "|".join(k for k in WORD_NUMBERS if len(k) > 2) + r")(?:\s+times\b|-fold\b))",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(?P<prep>in|within|over|after)\s+(?:(?P<q>under|less than|about|just over|more than|nearly)\s+)?"
    r"(?:(?P<word>" + "|".join(WORD_NUMBERS) + r")|(?P<num>\d+(?:\.\d+)?))"
    r"[\s-](?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)
_MAGNITUDE = re.compile(r"\b(?P<order>tens|hundreds)\s+of\s+(?P<scale>thousands|millions|billions|trillions)\b",
                        re.IGNORECASE)
_MAGNITUDE_SCALES = {"thousands": Scale.THOUSAND, "millions": Scale.MILLION, "billions": Scale.BILLION,
                     "trillions": Scale.TRILLION}
_SHORT_SCALES = {"K": "thousand", "M": "million", "B": "billion", "T": "trillion", "bn": "billion", "tn": "trillion"}


def qualifier_before(text: str, start: int) -> str | None:
    m = _QUALIFIER.search(text[max(0, start - 20):start])
    return QUALIFIERS[m["q"].lower()] if m else None


def numbers(text: str) -> list[Mention]:
    """Every number `text` states as a claim, in order; a range "300,000–350,000" gives both ends."""
    out: list[Mention] = []
    for m in _NUMBER.finditer(text):
        if m["frac"]:
            out.append(Mention(m["frac"], Decimal(m["den"]), None, "1/x", qualifier_before(text, m.start())))
            continue
        if _not_a_claim(text, m):
            continue
        qualifier = "at least" if m["plus"] else qualifier_before(text, m.start())
        first = _mention(m.group(0) if not m["range"] else text[m.start():m.start("range")],
                         m["cur"] or m["cur2"], m["num"], m["pct"] or m["pct2"], m["mult"],
                         m["scale"] or m["scale2"] or _SHORT_SCALES.get(m["short"] or ""), qualifier)
        if first is not None:
            out.append(first)
        if m["range"]:
            second = _mention(m["range"].lstrip(" –—-"), m["cur2"] or m["cur"], m["num2"], m["pct2"] or m["pct"],
                              None, m["scale2"] or m["scale"], None)
            if second is not None:
                out.append(second)
    for m in _WORD_MULTIPLE.finditer(text):
        n = _WORD_MULTIPLES[m["word"].lower()] if m["word"] else WORD_NUMBERS[m["n"].lower()]
        out.append(Mention(m.group(0), Decimal(n), None, "×", qualifier_before(text, m.start())))
    return out


def durations(text: str) -> list[Duration]:
    out: list[Duration] = []
    for m in _DURATION.finditer(text):
        count = Decimal(WORD_NUMBERS[m["word"].lower()]) if m["word"] else Decimal(m["num"])
        q = m["q"].lower() if m["q"] else None
        out.append(Duration(m.group(0), count, m["unit"].lower(), QUALIFIERS.get(q or "", q)))
    return out


def magnitudes(text: str) -> list[Magnitude]:
    out: list[Magnitude] = []
    for m in _MAGNITUDE.finditer(text):
        factor = _MAGNITUDE_SCALES[m["scale"].lower()].factor
        order = Decimal(10) if m["order"].lower() == "tens" else Decimal(100)
        out.append(Magnitude(m.group(0), order * factor, order * 10 * factor))
    return out


def _mention(raw: str, cur: str | None, num: str, pct: str | None, mult: str | None, scale: str | None,
             qualifier: str | None) -> Mention | None:
    # The domain's own parser reads the value, scale and unit, so every form the app prints is read alike.
    form = f"{cur or ''}{num}{'%' if pct else ''}{'×' if mult else ''}{' ' + scale if scale else ''}"
    try:
        parsed = parse_number(form)
    except ValidationError:
        return None
    return Mention(raw.strip(), parsed.value, parsed.scale, parsed.unit or "", qualifier)


def _not_a_claim(text: str, m: re.Match[str]) -> bool:
    """Years, dates, ordinals, labels and names: numbers that place or name rather than measure."""
    num = m["num"]
    end = m.end()
    after = text[end:end + 1]
    bare = not (m["cur"] or m["pct"] or m["mult"] or m["scale"] or m["short"] or m["plus"])
    # Glued letters make a code, not a quantity: "7nm", "910C", "950PR", "2000s", "15th".
    if bare and after.isalpha():
        return True
    whole = num.replace(",", "")
    if bare and "," not in num and "." not in num and len(whole) == 4 and 1900 <= int(whole) <= 2100:
        return True
    if bare and "." not in num and int(whole) <= 31:
        tail = text[end:end + 16]
        if re.match(r"\s?[–—-]?\s?\d{0,2}\s+(?:" + _MONTHS + r")\b", tail, re.IGNORECASE):
            return True
        if re.search(r"\b(?:" + _MONTHS + r")\s$", text[max(0, m.start() - 12):m.start()], re.IGNORECASE):
            return True
    before = text[max(0, m.start() - 20):m.start()]
    if _LABEL_WORDS.search(before):
        return True
    if bare and re.search(r"\bQ[1-4]\s$", before):
        return True
    name = re.search(r"\b([A-Z][\w’'-]*)\s$", before)
    return bool(bare and name and name[1].lower() not in _NOT_NAMES)
